package org.legoemu.pcomponent.model;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The numbers of one emulated fabric and its components: what an instruction, a local DRAM access, a message over the
 * fabric, an mComponent's handling of a 4 KiB line and an sComponent request cost in modeled time. Every shipped
 * profile's numbers and their published sources (or the word "estimate") are in docs/modeled-time.md.
 *
 * @param name              the profile's name, as given to {@code --fabric-model}.
 * @param instructionPs     cost of one retired instruction, ps (1 cycle of the modeled CPU).
 * @param dramNs            an ExCache lookup that hits (a hart TLB miss that finds its line): one local DRAM access.
 * @param lineCopyNs        copying or zeroing a 4 KiB line in local DRAM (victim-buffer hit, zero-filled line).
 * @param syscallNs         entering and leaving the kernel for any system call, ns (local work only).
 * @param oneWayNs          fabric latency of one message one way (wire, switch, NIC), ns.
 * @param bandwidthMbps     link bandwidth, Mbit/s; bytes of a message occupy a link for bytes*8/bandwidth.
 * @param messageOverheadNs software overhead per message (send plus receive), ns.
 * @param fetchServiceNs    an mComponent's service time of a 4 KiB miss (P2M_PCACHE_MISS), ns; queued.
 * @param flushServiceNs    an mComponent's service time of a 4 KiB write-back (P2M_PCACHE_FLUSH or a replica
 *                          append), ns; queued.
 * @param vmServiceNs       the home mComponent's service time of a VM system call (mmap, brk, munmap ...), ns.
 * @param storageLatencyNs  the sComponent's service time of one request, ns.
 * @param storageMBps       the sComponent's data bandwidth, MB/s (10^6 bytes per s).
 */
public record FabricProfile(
    String name, long instructionPs, long dramNs, long lineCopyNs, long syscallNs, long oneWayNs, long bandwidthMbps,
    long messageOverheadNs, long fetchServiceNs, long flushServiceNs, long vmServiceNs, long storageLatencyNs,
    long storageMBps)
{
    /** The default profile's name. */
    public static final String DEFAULT = "legoos-ib40";

    /**
     * LegoOS's testbed (OSDI'18 §6): Xeon E5-2620 v3 at 2.4 GHz, 40 Gbit/s ConnectX-3. Calibrated so that a 4 KiB
     * miss is 6.3 us alone and 9.0 / 17.9 us with 2 / 4 threads (a 4.5 us mComponent bottleneck plus 1.8 us
     * unqueued), a flush 6.1 us; derivation in docs/modeled-time.md.
     */
    public static final FabricProfile LEGOOS_IB40 =
        new FabricProfile("legoos-ib40", 417, 100, 400, 100, 480, 40_000, 0, 4_500, 4_300, 4_500, 10_000, 2_000);
    /** 100 Gbit/s EDR InfiniBand with a polling mComponent (docs/modeled-time.md). */
    public static final FabricProfile IB_EDR =
        new FabricProfile("ib-edr", 417, 100, 400, 100, 800, 100_000, 0, 1_000, 1_000, 1_000, 10_000, 2_000);
    /** 100 Gbit/s RoCEv2 (docs/modeled-time.md). */
    public static final FabricProfile ROCE_100G =
        new FabricProfile("roce-100g", 417, 100, 400, 100, 900, 100_000, 0, 1_000, 1_000, 1_000, 10_000, 2_000);
    /** A CXL.mem-attached memory pool: a load costs about 70-90 ns over local DRAM (docs/modeled-time.md). */
    public static final FabricProfile CXL =
        new FabricProfile("cxl", 417, 100, 400, 100, 40, 256_000, 0, 100, 100, 1_000, 10_000, 2_000);
    /** Kernel TCP over 10 Gbit/s Ethernet (docs/modeled-time.md). */
    public static final FabricProfile TCP_10G =
        new FabricProfile("tcp-10g", 417, 100, 400, 100, 10_000, 10_000, 5_000, 4_500, 4_300, 4_500, 10_000, 2_000);
    /**
     * No timing model at all: a pComponent with it does not observe its ExCache and does not pace its harts, so runs
     * cost what they would without the model. Only {@code lego bench model} uses it, to measure the model's cost
     * against it in the same run; it has no name a user can select, and its figures mean nothing.
     */
    public static final FabricProfile OFF =
        new FabricProfile("off", 417, 100, 400, 100, 480, 40_000, 0, 4_500, 4_300, 4_500, 10_000, 2_000);

    /** Everything local: a miss costs one DRAM access, a write-back nothing (slowdown about 1). */
    public static final FabricProfile LOCAL =
        new FabricProfile("local", 417, 100, 100, 100, 0, 0, 0, 100, 0, 0, 10_000, 2_000);

    /** The shipped profiles by name, default first. */
    public static final Map<String, FabricProfile> NAMED = named(
        List.of(LEGOOS_IB40, IB_EDR, ROCE_100G, CXL, TCP_10G, LOCAL));

    /** The keys a profile file may set (docs/modeled-time.md); unset keys keep {@code legoos-ib40}'s value. */
    public static final Set<String> FILE_KEYS = Set.of("name", "instructionNs", "dramNs", "lineCopyNs", "syscallNs",
        "oneWayNs", "bandwidthGbps", "messageOverheadNs", "serviceNsPer4KiB", "flushServiceNsPer4KiB", "vmServiceNs",
        "storageLatencyNs", "storageMBps");

    /**
     * Validates the numbers.
     *
     * @throws IllegalArgumentException naming a negative number or an empty name.
     */
    public FabricProfile
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException("a fabric profile needs a name");
        }
        final long[] values = {instructionPs, dramNs, lineCopyNs, syscallNs, oneWayNs, bandwidthMbps,
            messageOverheadNs, fetchServiceNs, flushServiceNs, vmServiceNs, storageLatencyNs, storageMBps};
        for (final long v : values)
        {
            if (v < 0)
            {
                throw new IllegalArgumentException("fabric profile " + name + ": negative number " + v);
            }
        }
    }

    private static Map<String, FabricProfile> named(final List<FabricProfile> profiles)
    {
        final Map<String, FabricProfile> map = new LinkedHashMap<>();
        for (final FabricProfile p : profiles)
        {
            map.put(p.name(), p);
        }
        return map;
    }

    /** Whether this is {@link #OFF}: no timing model. */
    public boolean off()
    {
        return this == OFF;
    }

    /**
     * The shipped profile called {@code name}.
     *
     * @throws IllegalArgumentException listing the known names when there is none.
     */
    public static FabricProfile named(final String name)
    {
        final FabricProfile p = NAMED.get(name);
        if (p == null)
        {
            throw new IllegalArgumentException("unknown fabric model '" + name + "' (known: " +
                String.join(", ", NAMED.keySet()) + ", or --fabric-model-file FILE)");
        }
        return p;
    }

    /** Time for {@code bytes} to pass a link, ns, rounded up; 0 when the bandwidth is unlimited (0). */
    public long wireNs(final long bytes)
    {
        return bandwidthMbps == 0 ? 0 : (bytes * 8_000 + bandwidthMbps - 1) / bandwidthMbps;
    }

    /** Time for the sComponent to move {@code bytes} of file data, ns, rounded up; 0 for unlimited (0). */
    public long storageNs(final long bytes)
    {
        return storageMBps == 0 ? 0 : (bytes * 1_000 + storageMBps - 1) / storageMBps;
    }

    /** Modeled time of {@code instructions} retired instructions, ns (rounded down). */
    public long instructionsNs(final long instructions)
    {
        return instructions * instructionPs / 1_000;
    }

    /**
     * Reads a profile from a Java properties file ({@code key = value} lines, {@code #} comments) with the keys of
     * {@link #FILE_KEYS}: times in ns (decimals allowed for {@code instructionNs}), {@code bandwidthGbps} in Gbit/s
     * (0: unlimited), {@code storageMBps} in MB/s. Keys not set keep {@code legoos-ib40}'s values.
     *
     * @throws IllegalArgumentException for an unknown key or a value that is not a non-negative number, naming it.
     * @throws IOException if the file cannot be read.
     */
    public static FabricProfile load(final Path file) throws IOException
    {
        final Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file))
        {
            p.load(in);
        }
        for (final String key : p.stringPropertyNames())
        {
            if (!FILE_KEYS.contains(key))
            {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' (known: " +
                    String.join(", ", new java.util.TreeSet<>(FILE_KEYS)) + ")");
            }
        }
        final FabricProfile d = LEGOOS_IB40;
        final String fileName = file.getFileName() == null ? "custom" : file.getFileName().toString();
        final String name = p.getProperty("name", fileName.replaceFirst("\\.[^.]*$", "")).trim();
        return new FabricProfile(name,
            scaled(file, p, "instructionNs", d.instructionPs(), 1_000),
            scaled(file, p, "dramNs", d.dramNs(), 1),
            scaled(file, p, "lineCopyNs", d.lineCopyNs(), 1),
            scaled(file, p, "syscallNs", d.syscallNs(), 1),
            scaled(file, p, "oneWayNs", d.oneWayNs(), 1),
            scaled(file, p, "bandwidthGbps", d.bandwidthMbps(), 1_000),
            scaled(file, p, "messageOverheadNs", d.messageOverheadNs(), 1),
            scaled(file, p, "serviceNsPer4KiB", d.fetchServiceNs(), 1),
            scaled(file, p, "flushServiceNsPer4KiB",
                scaled(file, p, "serviceNsPer4KiB", d.flushServiceNs(), 1), 1),
            scaled(file, p, "vmServiceNs", d.vmServiceNs(), 1),
            scaled(file, p, "storageLatencyNs", d.storageLatencyNs(), 1),
            scaled(file, p, "storageMBps", d.storageMBps(), 1));
    }

    /** The value of {@code key} times {@code scale}, rounded to a whole number, or {@code fallback} when unset. */
    private static long scaled(
        final Path file, final Properties p, final String key, final long fallback, final long scale)
    {
        final String text = p.getProperty(key);
        if (text == null)
        {
            return fallback;
        }
        try
        {
            final BigDecimal value = new BigDecimal(text.trim()).multiply(BigDecimal.valueOf(scale));
            if (value.signum() < 0)
            {
                throw new NumberFormatException();
            }
            return value.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new IllegalArgumentException(file + ": " + key + " = '" + text.trim() +
                "' is not a non-negative number");
        }
    }
}
