package org.legoemu.fabric.faults;

/**
 * One fault applied to one message (or a component crash taking effect).
 *
 * @param sinceStartNs on the injector's clock, nanoseconds after {@link FaultInjector#start()}.
 * @param kind         the fault applied.
 * @param sender       component that sent the request.
 * @param receiver     component it was addressed to.
 * @param sequence     the request's number on its link (sender to receiver), from 0.
 * @param detail       e.g. {@code request lost}, {@code reply lost}, {@code 1.250ms}.
 */
public record InjectedEvent(
    long sinceStartNs, FaultKind kind, String sender, String receiver, long sequence, String detail)
{
    /** {@code +1.234ms drop pcomponent-1->mcomponent-1 #17 reply lost}. */
    @Override
    public String toString()
    {
        return String.format("+%.3fms %s %s->%s #%d %s", sinceStartNs / 1e6, kind.label(), sender, receiver,
            sequence, detail);
    }
}
