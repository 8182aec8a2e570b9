package org.legoemu.fabric.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;

/**
 * Applies a {@link FaultSchedule} to the requests of a cluster whose components share one transport. Each
 * component gets its own {@link #transportFor view} of that transport, named after it; the view learns the
 * component's endpoint when it serves and wraps every client it connects, so each request is known by its link
 * (sender component to receiver component). Faults are switched on and off by the injected clock, measured from
 * {@link #start()}.
 * <p>
 * What is deterministic for a given seed: the schedule (a pure function of the seed, see
 * {@link FaultSchedule#generate}); which faults are in force at a given clock reading; and the decision taken for
 * the k-th request on a link (each link draws from its own seeded stream). So with the in-JVM transport and a
 * clock the test advances, requests sent by one thread get the same faults in the same order on every run. What
 * is not: the components run on real threads (dispatch loops, heartbeat threads, the ExCache flusher, guest
 * harts), so with the system clock the interleaving of links, the clock reading at which a request is sent, and
 * hence the number of requests a time-bounded fault hits vary between runs; delays, holds and timeouts are real
 * time (parked threads), not clock time.
 * <p>
 * Thread-safe. A run without faults in force costs one volatile read per request.
 */
public final class FaultInjector
{
    private static final int MAX_EVENTS = 100_000;
    /** Receiver name of the events of storage errors. */
    private static final String STORAGE = "storage";
    private static final ThreadLocal<Plan> PLANS = ThreadLocal.withInitial(Plan::new);

    private final FaultSchedule schedule;
    private final NanoClock clock;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<Endpoint, String> names = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<FaultKind, AtomicLong> hits = new EnumMap<>(FaultKind.class);
    private final AtomicLong timedOutCalls = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final List<InjectedEvent> events = new ArrayList<>();
    private volatile long startNs;
    private volatile boolean active;
    private volatile CrashCloser crashCloser;

    /** An injector on the system clock. */
    public FaultInjector(final FaultSchedule schedule)
    {
        this(schedule, new SystemNanoClock());
    }

    /**
     * @param schedule the faults to apply once started.
     * @param clock    decides which faults are in force; a test may pass a clock it advances by hand.
     */
    public FaultInjector(final FaultSchedule schedule, final NanoClock clock)
    {
        this.schedule = schedule;
        this.clock = clock;
        this.faults.addAll(schedule.faults());
        for (final FaultKind kind : FaultKind.values())
        {
            hits.put(kind, new AtomicLong());
        }
    }

    /** The schedule given at construction (faults added with {@link #inject} are not in it). */
    public FaultSchedule schedule()
    {
        return schedule;
    }

    /**
     * A view of {@code shared} for the component called {@code component}: its servers register the component's
     * endpoint with this injector, its clients apply the faults. Closing the view closes nothing.
     */
    public Transport transportFor(final String component, final Transport shared)
    {
        return new FaultyTransport(this, component, shared);
    }

    /**
     * Makes a CRASH behave as a process crash over TCP: the crashed component's servers and clients (those its view
     * opened) are closed, as the kernel closes a dead process's sockets, so calls to it fail at once with
     * ECONNREFUSED (or EIO for a call pending on a connection that closes) instead of timing out. Without it (the
     * default, meant for the in-JVM transport) a crashed component's server stays up and never answers: every
     * call to it waits out its timeout, as with a machine that hangs. Call before the cluster starts.
     *
     * @return this.
     */
    public FaultInjector closeConnectionsOnCrash(final boolean close)
    {
        crashCloser = close ? new CrashCloser() : null;
        return this;
    }

    /** True if a CRASH closes the component's connections (see {@link #closeConnectionsOnCrash}). */
    public boolean closesConnectionsOnCrash()
    {
        return crashCloser != null;
    }

    /** Starts the schedule's clock: fault times count from now. Idempotent. */
    public synchronized FaultInjector start()
    {
        if (!active)
        {
            startNs = clock.nanoTime();
            active = true;
        }
        return this;
    }

    /** Nanoseconds on the injector's clock since {@link #start()}; 0 before. */
    public long sinceStartNs()
    {
        return active ? clock.nanoTime() - startNs : 0;
    }

    /** The clock reading, nanoseconds (for measuring detection times against {@link #crashClockNs}). */
    public long clockNs()
    {
        return clock.nanoTime();
    }

    /** Adds a fault (its {@link Fault#startNs()} counts from {@link #start()} like the schedule's). */
    public void inject(final Fault fault)
    {
        faults.add(fault);
    }

    /** Crashes {@code component} now; starts the injector if it was not. */
    public void crashNow(final String component)
    {
        start();
        inject(new Fault(FaultKind.CRASH, sinceStartNs(), Long.MAX_VALUE, component, Fault.ANY, 1, 0));
        crashTakesEffect(component);
    }

    /** Cuts {@code component} off from {@code peer} ({@link Fault#ANY}: everyone) from now until {@link #heal}. */
    public void partitionNow(final String component, final String peer)
    {
        start();
        inject(new Fault(FaultKind.PARTITION, sinceStartNs(), Long.MAX_VALUE, component, peer, 1, 0));
    }

    /** Removes every PARTITION, SLOW and link fault (crashes stay). */
    public void heal()
    {
        faults.removeIf((f) -> f.kind() != FaultKind.CRASH);
    }

    /**
     * Ends the schedule: every fault but the crashes that have already happened is removed, so the cluster can be
     * checked (survivors ALIVE, no frame leaked) in the state the run left it.
     */
    public void endRun()
    {
        final long since = sinceStartNs();
        faults.removeIf((f) -> f.kind() != FaultKind.CRASH || !f.activeAt(since));
    }

    /** The component serving {@code endpoint}, or the endpoint's text if none registered. */
    public String nameOf(final Endpoint endpoint)
    {
        final String name = names.get(endpoint);
        return name == null ? endpoint.toString() : name;
    }

    /** Where {@code component} serves, or null if it has not served yet. */
    public Endpoint endpointOf(final String component)
    {
        return endpoints.get(component);
    }

    /** Components that served through a view, by name. */
    public List<String> components()
    {
        final List<String> list = new ArrayList<>(endpoints.keySet());
        Collections.sort(list);
        return list;
    }

    /** Clock reading ({@link #clockNs()}) at which {@code component} crashed, or -1 if it has not. */
    public long crashClockNs(final String component)
    {
        if (!active)
        {
            return -1;
        }
        final long since = sinceStartNs();
        for (final Fault f : faults)
        {
            if (f.kind() == FaultKind.CRASH && f.component().equals(component) && f.activeAt(since))
            {
                return startNs + f.startNs();
            }
        }
        return -1;
    }

    /** True if {@code component} has crashed by now. */
    public boolean isCrashed(final String component)
    {
        return crashClockNs(component) >= 0;
    }

    /** Requests each kind of fault has hit so far (CRASH and PARTITION: requests black-holed or refused). */
    public Map<FaultKind, Long> hitsByKind()
    {
        final Map<FaultKind, Long> copy = new EnumMap<>(FaultKind.class);
        hits.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Calls that ended with an injected ETIMEDOUT (request or reply lost, peer crashed or partitioned). */
    public long timedOutCalls()
    {
        return timedOutCalls.get();
    }

    /**
     * Calls refused at once because their sender had crashed, or (with {@link #closeConnectionsOnCrash}) because
     * their receiver had and its connections were closed.
     */
    public long failedCalls()
    {
        return failedCalls.get();
    }

    /** The first {@value #MAX_EVENTS} faults applied, in the order they were decided. */
    public List<InjectedEvent> events()
    {
        synchronized (events)
        {
            return List.copyOf(events);
        }
    }

    /**
     * The storage errors {@code component} (an sComponent) suffers: while a STORAGE_ERROR fault of that component
     * is in force, each file operation it hits fails, drawn per operation from the component's own seeded stream
     * (so the k-th operation gets the same decision in every run with the seed). Counted and recorded as events
     * ({@code scomponent->storage #k write failed: EIO}).
     */
    public StorageFaults storageFaultsFor(final String component)
    {
        return (op) -> storageFault(component, op);
    }

    private boolean storageFault(final String component, final StorageFaults.Operation op)
    {
        if (!active || faults.isEmpty())
        {
            return false;
        }
        final long since = sinceStartNs();
        final Link link = link(component, STORAGE);
        boolean fail = false;
        final long sequence;
        synchronized (link)
        {
            sequence = link.nextSequence();
            for (final Fault f : faults)
            {
                if (f.kind() == FaultKind.STORAGE_ERROR && f.activeAt(since) && f.component().equals(component)
                    && (op != StorageFaults.Operation.READ || Fault.ANY.equals(f.peer())))
                {
                    fail |= link.draw() < f.probability();
                }
            }
        }
        if (fail)
        {
            event(since, FaultKind.STORAGE_ERROR, component, STORAGE, sequence, op.label() + " failed: EIO");
        }
        return fail;
    }

    /** Records a server or client the view of {@code component} opened (closed if it crashes over TCP). */
    void opened(final String component, final AutoCloseable resource)
    {
        final CrashCloser closer = crashCloser;
        if (closer != null)
        {
            closer.opened(component, resource);
        }
    }

    /**
     * Waits, at most {@code timeoutNs}, until crashed {@code component}'s connections are closed.
     *
     * @return false on timeout.
     */
    boolean awaitCrashClosed(final String component, final long timeoutNs)
    {
        final CrashCloser closer = crashCloser;
        return closer != null && closer.awaitClosed(component, timeoutNs);
    }

    private void crashTakesEffect(final String component)
    {
        final CrashCloser closer = crashCloser;
        if (closer != null)
        {
            closer.crash(component);
        }
    }

    void register(final String component, final Endpoint endpoint)
    {
        names.put(endpoint, component);
        endpoints.put(component, endpoint);
    }

    Link link(final String sender, final String receiver)
    {
        return links.computeIfAbsent(sender + "->" + receiver, (k) -> new Link(schedule.seed(), sender, receiver));
    }

    void countTimeout()
    {
        timedOutCalls.incrementAndGet();
    }

    void countFailure()
    {
        failedCalls.incrementAndGet();
    }

    /**
     * The faults for the next request on {@code link}, or null when none is in force (the common case, allocation
     * free). The returned plan belongs to the calling thread until its next request.
     */
    Plan plan(final Link link)
    {
        if (!active || faults.isEmpty())
        {
            return null;
        }
        final long since = sinceStartNs();
        final Plan plan = PLANS.get().reset();
        final String sender = link.sender;
        final String receiver = link.receiver;
        synchronized (link)
        {
            plan.sequence = link.nextSequence();
            for (final Fault f : faults)
            {
                if (!f.activeAt(since))
                {
                    continue;
                }
                final String c = f.component();
                switch (f.kind())
                {
                    case CRASH:
                        crashTakesEffect(c);
                        if (c.equals(sender))
                        {
                            plan.senderCrashed = true;
                        }
                        else if (c.equals(receiver))
                        {
                            if (crashCloser != null)
                            {
                                plan.receiverCrashed = true;
                            }
                            else
                            {
                                plan.blackHole = FaultKind.CRASH;
                            }
                        }
                        break;
                    case PARTITION:
                        if ((c.equals(sender) && Fault.matches(f.peer(), receiver))
                            || (c.equals(receiver) && Fault.matches(f.peer(), sender)))
                        {
                            plan.blackHole = plan.blackHole == null ? FaultKind.PARTITION : plan.blackHole;
                        }
                        break;
                    case STORAGE_ERROR:
                        break;
                    case SLOW:
                        if (c.equals(sender) || c.equals(receiver))
                        {
                            plan.delayNs += f.delayNs();
                            plan.slowed = true;
                        }
                        break;
                    default:
                        if (c.equals(sender) && Fault.matches(f.peer(), receiver))
                        {
                            final boolean hit = link.draw() < f.probability();
                            final boolean requestSide = link.draw() < 0.5;
                            if (hit)
                            {
                                applyLinkFault(plan, f, requestSide);
                            }
                        }
                        break;
                }
            }
        }
        record(since, plan, sender, receiver);
        return plan.any() ? plan : null;
    }

    private static void applyLinkFault(final Plan plan, final Fault f, final boolean requestSide)
    {
        switch (f.kind())
        {
            case DROP:
                if (requestSide)
                {
                    plan.dropRequest = true;
                }
                else
                {
                    plan.dropReply = true;
                }
                break;
            case DELAY:
                plan.delayNs += f.delayNs();
                plan.delayed = true;
                break;
            case DUPLICATE:
                plan.duplicate = true;
                break;
            case REORDER:
                plan.holdNs = Math.max(plan.holdNs, f.delayNs());
                break;
            default:
                throw new IllegalStateException("not a link fault: " + f.kind());
        }
    }

    private void record(final long since, final Plan plan, final String sender, final String receiver)
    {
        if (plan.senderCrashed)
        {
            event(since, FaultKind.CRASH, sender, receiver, plan.sequence, "sender crashed: refused");
            return;
        }
        if (plan.blackHole != null)
        {
            event(since, plan.blackHole, sender, receiver, plan.sequence, "request lost");
            return;
        }
        if (plan.receiverCrashed)
        {
            event(since, FaultKind.CRASH, sender, receiver, plan.sequence, "receiver crashed: connection closed");
            return;
        }
        if (plan.slowed)
        {
            event(since, FaultKind.SLOW, sender, receiver, plan.sequence, "");
        }
        if (plan.delayed)
        {
            event(since, FaultKind.DELAY, sender, receiver, plan.sequence, String.format("%.3fms", plan.delayNs / 1e6));
        }
        if (plan.holdNs > 0)
        {
            event(since, FaultKind.REORDER, sender, receiver, plan.sequence, "held");
        }
        if (plan.dropRequest || plan.dropReply)
        {
            event(since, FaultKind.DROP, sender, receiver, plan.sequence,
                plan.dropRequest ? "request lost" : "reply lost");
        }
        if (plan.duplicate && !plan.dropRequest)
        {
            event(since, FaultKind.DUPLICATE, sender, receiver, plan.sequence, "delivered twice");
        }
    }

    private void event(
        final long since, final FaultKind kind, final String sender, final String receiver, final long sequence,
        final String detail)
    {
        hits.get(kind).incrementAndGet();
        synchronized (events)
        {
            if (events.size() < MAX_EVENTS)
            {
                events.add(new InjectedEvent(since, kind, sender, receiver, sequence, detail));
            }
        }
    }

    /** What to do with one request; reused per thread. */
    static final class Plan
    {
        long sequence;
        boolean senderCrashed;
        boolean receiverCrashed;
        FaultKind blackHole;
        long delayNs;
        boolean delayed;
        boolean slowed;
        long holdNs;
        boolean dropRequest;
        boolean dropReply;
        boolean duplicate;

        Plan reset()
        {
            sequence = 0;
            senderCrashed = false;
            receiverCrashed = false;
            blackHole = null;
            delayNs = 0;
            delayed = false;
            slowed = false;
            holdNs = 0;
            dropRequest = false;
            dropReply = false;
            duplicate = false;
            return this;
        }

        boolean any()
        {
            return senderCrashed || receiverCrashed || blackHole != null || delayNs > 0 || holdNs > 0 || dropRequest
                || dropReply || duplicate;
        }
    }
}
