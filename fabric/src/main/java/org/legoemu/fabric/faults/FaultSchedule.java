package org.legoemu.fabric.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A list of faults ordered by start time, either written by hand or {@link #generate generated} from a seed. The
 * generated list is a pure function of its arguments: the same seed, kinds, components, duration and count give
 * an equal schedule on every JVM (SplittableRandom is specified to produce the same sequence for the same seed).
 *
 * @param seed   the seed it was generated from (0 for a hand-written schedule).
 * @param faults ordered by {@link Fault#startNs()}, then by generation order.
 */
public record FaultSchedule(long seed, List<Fault> faults)
{
    /** Name of the GMM in a cluster; it is never crashed, slowed or partitioned by a generated schedule. */
    public static final String GMM = "gmm";
    /** Name of the sComponent in a cluster; the only target of a generated STORAGE_ERROR. */
    public static final String SCOMPONENT = "scomponent";

    private static final long MIN_DELAY_NS = 50_000;
    private static final long MAX_DELAY_NS = 1_000_000;
    private static final long MIN_SLOW_NS = 10_000;
    private static final long MAX_SLOW_NS = 200_000;
    private static final double MIN_DROP = 0.001;
    private static final double MAX_DROP = 0.01;
    private static final double MIN_PROBABILITY = 0.05;
    private static final double MAX_PROBABILITY = 0.5;

    /** Copies and orders the faults. */
    public FaultSchedule
    {
        final List<Fault> sorted = new ArrayList<>(faults);
        sorted.sort(Comparator.comparingLong(Fault::startNs));
        faults = List.copyOf(sorted);
    }

    /** A schedule without faults (the reference run). */
    public static FaultSchedule none()
    {
        return new FaultSchedule(0, List.of());
    }

    /**
     * Draws {@code count} faults of the given kinds over the first 80% of {@code durationNs}.
     * <p>
     * Rules: at most one CRASH per schedule, never of the GMM (it has no standby; LegoOS §4.7 leaves GMM failure
     * out too); link faults go from a non-GMM component to another component or to everyone; PARTITION cuts a
     * non-GMM component from the GMM or from everyone; SLOW hits a non-GMM component; STORAGE_ERROR hits the
     * {@value #SCOMPONENT} (its writes, or its reads and writes) and is left out when there is none. DROP
     * probabilities are drawn in [0.001, 0.01] (each lost request costs a whole timeout, and three in a row kill
     * the guest), the other link faults' and STORAGE_ERROR's in [0.05, 0.5]; DELAY and REORDER hold for
     * [50 µs, 1 ms], SLOW adds [10 µs, 200 µs] to every message; durations are [10%, 50%] of {@code durationNs}.
     *
     * @param components names of the cluster's components, e.g. {@code gmm, scomponent, mcomponent-1, ...}; at
     *                   least one that is not {@value #GMM}.
     * @param kinds      non-empty.
     * @throws IllegalArgumentException if there is nothing to draw from.
     */
    public static FaultSchedule generate(
        final long seed, final Set<FaultKind> kinds, final List<String> components, final long durationNs,
        final int count)
    {
        final List<String> targets = new ArrayList<>(components);
        targets.remove(GMM);
        if (kinds.isEmpty() || targets.isEmpty() || durationNs <= 0 || count < 0)
        {
            throw new IllegalArgumentException("a fault schedule needs kinds, a non-GMM component, a duration > 0 "
                + "and a count >= 0");
        }
        final SplittableRandom random = new SplittableRandom(seed);
        final List<FaultKind> pool = new ArrayList<>(EnumSet.copyOf(kinds));
        if (!components.contains(SCOMPONENT))
        {
            pool.remove(FaultKind.STORAGE_ERROR);
            if (pool.isEmpty())
            {
                throw new IllegalArgumentException("a storage-error schedule needs a component called " + SCOMPONENT);
            }
        }
        final List<Fault> faults = new ArrayList<>();
        boolean crashed = false;
        for (int i = 0; i < count; i++)
        {
            FaultKind kind = pool.get(random.nextInt(pool.size()));
            if (kind == FaultKind.CRASH && crashed)
            {
                if (pool.size() == 1)
                {
                    break;
                }
                pool.remove(FaultKind.CRASH);
                kind = pool.get(random.nextInt(pool.size()));
            }
            crashed |= kind == FaultKind.CRASH;
            final long startNs = random.nextLong(durationNs * 8 / 10 + 1);
            final long lengthNs = durationNs / 10 + random.nextLong(durationNs * 4 / 10 + 1);
            final String component = targets.get(random.nextInt(targets.size()));
            final long delayNs = MIN_DELAY_NS + random.nextLong(MAX_DELAY_NS - MIN_DELAY_NS + 1);
            final long slowNs = MIN_SLOW_NS + random.nextLong(MAX_SLOW_NS - MIN_SLOW_NS + 1);
            final double draw = random.nextDouble();
            final double probability = kind == FaultKind.DROP ? MIN_DROP + (MAX_DROP - MIN_DROP) * draw
                : MIN_PROBABILITY + (MAX_PROBABILITY - MIN_PROBABILITY) * draw;
            faults.add(switch (kind)
            {
                case CRASH -> new Fault(kind, startNs, Long.MAX_VALUE, component, Fault.ANY, 1, 0);
                case SLOW -> new Fault(kind, startNs, lengthNs, component, Fault.ANY, 1, slowNs);
                case PARTITION -> new Fault(kind, startNs, lengthNs, component,
                    random.nextBoolean() ? GMM : Fault.ANY, 1, 0);
                case STORAGE_ERROR -> new Fault(kind, startNs, lengthNs, SCOMPONENT,
                    random.nextBoolean() ? Fault.WRITES : Fault.ANY, probability, 0);
                default -> new Fault(kind, startNs, lengthNs, component, peerOf(random, components, component),
                    probability, kind == FaultKind.DROP || kind == FaultKind.DUPLICATE ? 0 : delayNs);
            });
        }
        return new FaultSchedule(seed, faults);
    }

    /**
     * Parses a comma-separated list of kinds ({@code drop,delay,crash}); {@code all} means every kind.
     *
     * @throws IllegalArgumentException naming an unknown kind.
     */
    public static Set<FaultKind> parseKinds(final String list)
    {
        if (list.trim().equalsIgnoreCase("all"))
        {
            return EnumSet.allOf(FaultKind.class);
        }
        final Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (final String part : list.split(","))
        {
            if (!part.isBlank())
            {
                kinds.add(FaultKind.parse(part));
            }
        }
        if (kinds.isEmpty())
        {
            throw new IllegalArgumentException("no fault kind in '" + list + "'");
        }
        return kinds;
    }

    /** The components a CRASH of this schedule takes down. */
    public List<String> crashed()
    {
        final List<String> names = new ArrayList<>();
        for (final Fault f : faults)
        {
            if (f.kind() == FaultKind.CRASH)
            {
                names.add(f.component());
            }
        }
        return names;
    }

    /** One line per fault, see {@link Fault#describe()}. */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Fault f : faults)
        {
            sb.append(f.describe()).append('\n');
        }
        return sb.toString();
    }

    private static String peerOf(final SplittableRandom random, final List<String> components, final String sender)
    {
        final int pick = random.nextInt(components.size() + 1);
        if (pick == components.size() || components.get(pick).equals(sender))
        {
            return Fault.ANY;
        }
        return components.get(pick);
    }
}
