package org.legoemu.pcomponent.linux;

import org.legoemu.abi.Signal;

/**
 * The guest sent itself a signal whose default action terminates it (raise(3), abort(3) via tgkill(2)). No
 * signal handlers are delivered yet, so the process dies as Linux would kill it.
 */
public final class RaisedSignal extends RuntimeException
{
    private final Signal signal;

    public RaisedSignal(final Signal signal)
    {
        super(signal.name() + " raised by the guest", null, false, false);
        this.signal = signal;
    }

    /** A fatal signal the kernel sends, with one line for the user. */
    public RaisedSignal(final Signal signal, final String description)
    {
        super(signal.name() + ": " + description, null, false, false);
        this.signal = signal;
    }

    public Signal signal()
    {
        return signal;
    }
}
