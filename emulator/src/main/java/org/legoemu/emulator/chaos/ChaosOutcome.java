package org.legoemu.emulator.chaos;

import java.util.List;
import java.util.Map;

import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.faults.InjectedEvent;

/**
 * What one chaos run did and how it ended.
 *
 * @param schedule       the faults scheduled (its seed names the run).
 * @param verdict        how the run compares with the fault-free one.
 * @param reason         one line: why the verdict (the guest's fate, or the broken property).
 * @param hits           requests each kind of fault hit.
 * @param timedOutCalls  calls that ended with an injected ETIMEDOUT.
 * @param retries        requests sent again after a timeout ({@link org.legoemu.fabric.proxy.CallRetries}).
 * @param detectionNs    for each crash that happened, nanoseconds from the crash to the GMM declaring it DEAD
 *                       (-1 if it never did).
 * @param events         the first faults applied, in order.
 * @param wallNs         the guest's wall time, nanoseconds (0 if it could not start).
 * @param durability     what the {@link DurabilityProbe} found: acknowledged writes checked and lost, whether its
 *                       process was lost, its recovery times after mComponent crashes.
 * @param failoverNs     the GMM's mComponent failovers of this run ({@code GlobalManager.failoverTimesNs}):
 *                       nanoseconds from the DEAD declaration until the last promoted replica answered.
 */
public record ChaosOutcome(
    FaultSchedule schedule, Verdict verdict, String reason, Map<FaultKind, Long> hits, long timedOutCalls,
    long retries, List<Long> detectionNs, List<InjectedEvent> events, long wallNs,
    DurabilityProbe.Report durability, List<Long> failoverNs)
{
    /** How a run ended. */
    public enum Verdict
    {
        /** Same stdout, stderr and exit status as the fault-free run. */
        SAME_OUTPUT,
        /**
         * The guest was killed, failed or printed something else, and a fault that may cost it happened: a
         * pComponent or mComponent crash (without replication), a partition that cut a request, an unreachable
         * sComponent or an injected storage error (both EIO to the guest).
         */
        FAILED_AS_EXPECTED,
        /**
         * Anything else: different output with no fatal fault, an acknowledged write lost, a frame leaked, a daemon
         * down that was not crashed.
         */
        WRONG
    }

    /** True unless {@link Verdict#WRONG}. */
    public boolean correct()
    {
        return verdict != Verdict.WRONG;
    }
}
