package org.legoemu.pcomponent.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * One hart's modeled clock, and the same hart costed as on a monolithic server with all memory local (the local
 * baseline). Modeled time = start + instructions retired x {@link FabricProfile#instructionPs} + the ns of every event
 * charged since (ExCache lookups, misses, write-backs, system calls, blocking). Instructions are read from the hart's
 * instret when asked, so the hart's TLB-hit path is untouched; instret is exact at system calls and at the end of
 * each {@link org.legoemu.abi.hart.Hart#run} slice, and lags by at most the current slice's instructions at an
 * ExCache lookup.
 *
 * <p>Advanced only by its hart's thread ({@link #current()}); other threads read {@link #nowNs()} only through the
 * stamps a waker leaves (futex, pipe). Allocates nothing after construction.
 */
public final class HartTimer
{
    private static final ThreadLocal<HartTimer> CURRENT = new ThreadLocal<>();
    private static final VarHandle PUBLISHED_NS;

    static
    {
        try
        {
            PUBLISHED_NS = MethodHandles.lookup().findVarHandle(HartTimer.class, "publishedNs", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }
    /**
     * Charges below this many ns (ExCache hits, line copies) are published to the pacer only once they add up to it:
     * the other harts see this one at most 500 ns late, a quarter of the pacing quantum ({@link HartPacer#QUANTUM_NS});
     * larger events publish at once.
     */
    static final long SMALL_CHARGE_NS = 500;

    private final ProcessClock process;
    private final LongSupplier instructions;
    private final long instructionPs;
    private final long startNs;
    private final long startLocalNs;
    private long eventNs;
    private long localEventNs;
    private final long[] bucketNs = new long[TimeBucket.ALL.length];
    private final long[] localBucketNs = new long[TimeBucket.ALL.length];
    private final HartPacer pacer;
    private volatile long publishedNs;
    /** Modeled ns of the small charges since the hart last published its time ({@link #charge}). */
    private long unpublishedNs;
    private volatile boolean waiting;
    private Runnable yieldRequest = () ->
    {
    };

    /**
     * @param process      the process the hart belongs to.
     * @param instructions the hart's instructions retired so far (its instret).
     * @param startNs      the modeled time the hart starts at (its creator's, for a thread), ns.
     * @param startLocalNs the same on the local baseline, ns.
     */
    public HartTimer(
        final ProcessClock process, final LongSupplier instructions, final long startNs, final long startLocalNs)
    {
        this.process = process;
        this.instructions = instructions;
        this.instructionPs = process.profile().instructionPs();
        this.startNs = startNs;
        this.startLocalNs = startLocalNs;
        this.publishedNs = startNs;
        this.pacer = process.processor().fabric().pacer();
    }

    /**
     * What ends the hart's current run slice ({@link org.legoemu.abi.hart.Hart#requestYield}), called on this thread
     * when an event leaves the hart too far ahead of the others ({@link HartPacer}).
     */
    public void yieldRequest(final Runnable yieldRequest)
    {
        this.yieldRequest = yieldRequest;
    }

    /** The modeled time the hart last made known to the others, ns. */
    public long publishedNs()
    {
        return publishedNs;
    }

    /** Makes the hart's modeled time known to the pacer (after each run slice and each event). */
    public void publish()
    {
        PUBLISHED_NS.setRelease(this, nowNs()); // an ordered store, no fence: the others may see it a little late
    }

    /** Whether the hart is blocked (futex, pipe, sleep) and so does not hold the others back. */
    public boolean waiting()
    {
        return waiting;
    }

    /** Marks the hart blocked (true) or running again (false); its time is published first. */
    public void waiting(final boolean blocked)
    {
        publish();
        this.waiting = blocked;
    }

    /** How far this hart is ahead of the slowest other running hart beyond the pacing quantum, ns (0 or less: go on). */
    public long aheadNs()
    {
        return pacer.excessNs(this);
    }

    /** The slowest other running hart's published modeled time, ns ({@link HartPacer#slowestOtherNs}). */
    public long slowestOtherNs()
    {
        return pacer.slowestOtherNs(this);
    }

    /**
     * The timer of the hart running on the calling thread, or null on any other thread: a field of a
     * {@link HartThread}, else (a test binding its own thread) a thread-local.
     */
    public static HartTimer current()
    {
        final Thread thread = Thread.currentThread();
        return thread instanceof HartThread hart ? hart.timer : CURRENT.get();
    }

    /**
     * Counts this hart among the running ones from its start time on, before its thread runs: call on the creating
     * thread (clone(2)), so that a sibling started earlier cannot run ahead, unpaced, for as long as the host takes to
     * start this one's thread (at load, milliseconds: hundreds of misses booked before this hart could queue behind
     * them). {@link #bindToCurrentThread} registers it too; registering twice is harmless.
     */
    public void registerWithPacer()
    {
        pacer.register(this);
    }

    /** Undoes {@link #registerWithPacer} for a hart whose thread never started. */
    public void deregisterFromPacer()
    {
        pacer.deregister(this);
    }

    /** Makes this the calling thread's timer ({@link #current()}); call first thing on the hart's thread. */
    public void bindToCurrentThread()
    {
        if (Thread.currentThread() instanceof HartThread hart)
        {
            hart.timer = this;
        }
        else
        {
            CURRENT.set(this);
        }
        pacer.register(this);
    }

    /** Forgets the calling thread's timer; its hart no longer holds the others back. */
    public static void unbindCurrentThread()
    {
        final HartTimer timer = current();
        if (timer != null)
        {
            timer.pacer.deregister(timer);
        }
        if (Thread.currentThread() instanceof HartThread hart)
        {
            hart.timer = null;
        }
        else
        {
            CURRENT.remove();
        }
    }

    public ProcessClock process()
    {
        return process;
    }

    private long instructionsNs()
    {
        return instructions.getAsLong() * instructionPs / 1_000;
    }

    /** The hart's modeled time now, ns. */
    public long nowNs()
    {
        return startNs + instructionsNs() + eventNs;
    }

    /**
     * The hart's modeled time when it had retired {@code instructions}, with the events charged so far, ns: what
     * {@link #nowNs()} reads, but with an instret the caller knows exactly (the interpreter's, in the middle of a run
     * slice, where the hart's published instret still lags).
     */
    public long nowNsAt(final long instructions)
    {
        return startNs + instructions * instructionPs / 1_000 + eventNs;
    }

    /**
     * The hart's modeled time when it had retired {@code instructions}, counted from {@code originNs} in cycles of the
     * modeled CPU (one cycle = {@link FabricProfile#instructionPs}): each instruction is one cycle, the events' ns
     * and the hart's start are converted at that cycle time. With an instruction cost of 0 (a profile file's choice),
     * the instructions alone.
     */
    public long cyclesAt(final long instructions, final long originNs)
    {
        return instructionPs == 0 ? instructions : instructions + (startNs - originNs + eventNs) * 1_000 / instructionPs;
    }

    /** The hart's time now on the local baseline, ns. */
    public long localNowNs()
    {
        return startLocalNs + instructionsNs() + localEventNs;
    }

    /** Adds {@code modeledNs} (and {@code localNs} on the baseline) to the hart's clocks, under {@code bucket}. */
    public void charge(final TimeBucket bucket, final long modeledNs, final long localNs)
    {
        eventNs += modeledNs;
        localEventNs += localNs;
        bucketNs[bucket.ordinal()] += modeledNs;
        localBucketNs[bucket.ordinal()] += localNs;
        unpublishedNs += modeledNs;
        if (modeledNs < SMALL_CHARGE_NS && unpublishedNs < SMALL_CHARGE_NS)
        {
            return; // an ExCache hit: publishing and asking the pacer at each one cost more than the hit itself
        }
        unpublishedNs = 0;
        if (pacer.pacing())
        {
            publish();
            if (pacer.excessNs(this) > 0)
            {
                yieldRequest.run();
            }
        }
    }

    /**
     * The hart was blocked until something whose modeled time was {@code wakeNs} (and {@code wakeLocalNs} on the
     * baseline) let it go on: a blocking call ends no earlier than the event that ends it. Earlier times change
     * nothing.
     */
    public void blockUntil(final long wakeNs, final long wakeLocalNs)
    {
        final long modeled = Math.max(0, wakeNs - nowNs());
        final long local = Math.max(0, wakeLocalNs - localNowNs());
        charge(TimeBucket.BLOCKED, modeled, local);
    }

    /** Modeled ns charged to {@code bucket} so far (instructions are not a bucket: {@link #instructionsNsSoFar}). */
    public long bucketNs(final TimeBucket bucket)
    {
        return bucketNs[bucket.ordinal()];
    }

    /** Local-baseline ns charged to {@code bucket} so far. */
    public long localBucketNs(final TimeBucket bucket)
    {
        return localBucketNs[bucket.ordinal()];
    }

    /** Modeled ns of the instructions retired so far. */
    public long instructionsNsSoFar()
    {
        return instructionsNs();
    }
}
