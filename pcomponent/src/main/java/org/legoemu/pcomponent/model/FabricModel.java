package org.legoemu.pcomponent.model;

import org.agrona.collections.Long2LongHashMap;

import org.legoemu.abi.GuestMemory;

/**
 * The cluster in modeled time: the fabric profile, and a {@link ModeledServer} for each mComponent's port and request
 * handling and for the sComponent, shared by every pComponent model of the cluster (in one JVM; a daemon pComponent
 * models the mComponents as seen by its own requests only). Its monitor guards every server and every pComponent
 * model's state, so one modeled event is one critical section.
 *
 * <p>Modeled placement (docs/modeled-time.md, "Placement"): the real owner of a vRegion comes from the GMM's policy,
 * which for {@code least-loaded} reads heartbeat request counts, i.e. host timing. The model therefore places vRegions
 * itself, deterministically: the k-th vRegion a process touches (k from 0, in the order of its first ExCache miss
 * there) is owned by modeled mComponent {@code (pid + k) mod M}, its secondary is the next one, and a process's home
 * is {@code pid mod M}. For a single-threaded guest this order depends only on the guest.
 */
public final class FabricModel
{
    /** Bytes of a message's header and fixed fields (frame length, SBE header, ids, address): an estimate. */
    public static final int HEADER_BYTES = 64;
    /** Bytes of a line. */
    public static final int LINE_BYTES = GuestMemory.PAGE_SIZE;

    private final FabricProfile profile;
    private final boolean replicated;
    /** By modeled mComponent; arrays, not lists: a miss reaches two of them, and each indirection is a cache line. */
    private ModeledServer[] memoryPorts = new ModeledServer[0];
    private ModeledServer[] memoryServices = new ModeledServer[0];
    /** The profile's figures a miss uses, copied here so that a miss reads them from the lines it already touches. */
    private final long oneWayNs;
    private final long messageOverheadNs;
    /** {@link FabricProfile#wireNs} of a header, and of a header and a line: a division each, computed once. */
    private final long headerWireNs;
    private final long lineWireNs;
    private final ModeledServer storagePort = new ModeledServer("scomponent port");
    private final ModeledServer storageService = new ModeledServer("scomponent service");
    private final Long2LongHashMap owners = new Long2LongHashMap(-1);
    private final Long2LongHashMap regionsTouched = new Long2LongHashMap(0);
    private final HartPacer pacer;
    private int mcomponents;
    /** {@link #ownerOf}'s last key and answer: misses come in runs within one vRegion. */
    private long lastOwnerKey = -1;
    private int lastOwner;

    /**
     * @param mcomponents number of mComponents (at least 1; {@link #mcomponents(int)} may change it before a launch).
     * @param replicated  whether write-backs are replicated to a secondary mComponent before they are acknowledged
     *                    (LegoOS §4.7; the primary appends to the secondary, then answers); only with 2 or more.
     */
    public FabricModel(final FabricProfile profile, final int mcomponents, final boolean replicated)
    {
        this.profile = profile;
        this.replicated = replicated;
        this.pacer = new HartPacer(!profile.off());
        this.oneWayNs = profile.oneWayNs();
        this.messageOverheadNs = profile.messageOverheadNs();
        this.headerWireNs = profile.wireNs(HEADER_BYTES);
        this.lineWireNs = profile.wireNs(HEADER_BYTES + LINE_BYTES);
        mcomponents(mcomponents);
    }

    public FabricProfile profile()
    {
        return profile;
    }

    /** Whether write-backs are replicated to a secondary (with 2 or more mComponents). */
    public boolean replicated()
    {
        return replicated;
    }

    /** What keeps the cluster's running harts close in modeled time. */
    public HartPacer pacer()
    {
        return pacer;
    }

    /** Sets the number of mComponents (a daemon pComponent learns it from the GMM at each launch). */
    public synchronized void mcomponents(final int count)
    {
        mcomponents = Math.max(1, count);
        if (memoryPorts.length < mcomponents)
        {
            final int had = memoryPorts.length;
            memoryPorts = java.util.Arrays.copyOf(memoryPorts, mcomponents);
            memoryServices = java.util.Arrays.copyOf(memoryServices, mcomponents);
            for (int i = had; i < mcomponents; i++)
            {
                memoryPorts[i] = new ModeledServer("mcomponent-" + (i + 1) + " port");
                memoryServices[i] = new ModeledServer("mcomponent-" + (i + 1) + " service");
            }
        }
    }

    /** The modeled owner of {@code pid}'s vRegion {@code vregion} (see the class comment). Called under the monitor. */
    int ownerOf(final int pid, final long vregion)
    {
        final long key = ((long)pid << 32) | vregion;
        if (key == lastOwnerKey)
        {
            return lastOwner;
        }
        long owner = owners.get(key);
        if (owner < 0)
        {
            final long k = regionsTouched.get(pid);
            regionsTouched.put(pid, k + 1);
            owner = Math.floorMod(pid + k, (long)mcomponents);
            owners.put(key, owner);
        }
        lastOwnerKey = key;
        lastOwner = (int)owner;
        return (int)owner;
    }

    /** The modeled secondary of {@code primary}, or -1 when write-backs are not replicated. */
    int secondaryOf(final int primary)
    {
        return replicated && mcomponents >= 2 ? (primary + 1) % mcomponents : -1;
    }

    /** The modeled home of {@code pid}. */
    int homeOf(final int pid)
    {
        return Math.floorMod(pid, mcomponents);
    }

    /** Forgets {@code pid}'s modeled placement (it ended). Called under the monitor. */
    void forget(final int pid)
    {
        lastOwnerKey = -1;
        if (regionsTouched.remove(pid) != 0)
        {
            owners.keySet().removeIf(key -> (key >>> 32) == pid);
        }
    }

    /** The end of the latest interval booked on any mComponent or the sComponent, modeled ns. Called under the monitor. */
    long horizonNs()
    {
        long latest = Math.max(storagePort.lastEndNs(), storageService.lastEndNs());
        for (int i = 0; i < memoryPorts.length; i++)
        {
            latest = Math.max(latest, Math.max(memoryPorts[i].lastEndNs(), memoryServices[i].lastEndNs()));
        }
        return latest;
    }

    ModeledServer memoryPort(final int mcomponent)
    {
        return memoryPorts[mcomponent];
    }

    ModeledServer memoryService(final int mcomponent)
    {
        return memoryServices[mcomponent];
    }

    ModeledServer storagePort()
    {
        return storagePort;
    }

    ModeledServer storageService()
    {
        return storageService;
    }

    /**
     * One message of {@code bytes} sent at {@code sendNs}: it occupies the sender's port for its wire time, reaches the
     * receiver's port {@link FabricProfile#oneWayNs} after it started leaving, occupies that port for its wire time
     * too, and is handed over after the per-message overhead. Called under the monitor.
     *
     * @return when the receiver has the whole message, modeled ns.
     */
    long message(final ModeledServer from, final ModeledServer to, final long sendNs, final long bytes)
    {
        return send(from, to, sendNs, bytes == HEADER_BYTES ? headerWireNs :
            bytes == HEADER_BYTES + LINE_BYTES ? lineWireNs : profile.wireNs(bytes));
    }

    /** {@link #message} of a header only. */
    long header(final ModeledServer from, final ModeledServer to, final long sendNs)
    {
        return send(from, to, sendNs, headerWireNs);
    }

    /** {@link #message} of a header and a line. */
    long line(final ModeledServer from, final ModeledServer to, final long sendNs)
    {
        return send(from, to, sendNs, lineWireNs);
    }

    private long send(final ModeledServer from, final ModeledServer to, final long sendNs, final long wireNs)
    {
        final long sent = from.reserve(sendNs, wireNs);
        final long received = to.reserve(sent + oneWayNs, wireNs);
        return received + wireNs + messageOverheadNs;
    }

    /** Serves a request of {@code serviceNs} that reached {@code server} at {@code arrivalNs}; returns its end. */
    static long serve(final ModeledServer server, final long arrivalNs, final long serviceNs)
    {
        return server.reserve(arrivalNs, serviceNs) + serviceNs;
    }

    /**
     * A page written at {@code primary} at {@code storedNs} is appended to its secondary before the primary answers
     * (M2M_REPLICA_APPEND and its reply). Called under the monitor.
     *
     * @return when the primary may answer, modeled ns.
     */
    long replicate(final int primary, final long storedNs)
    {
        final int secondary = secondaryOf(primary);
        if (secondary < 0)
        {
            return storedNs;
        }
        final long arrived = line(memoryPorts[primary], memoryPorts[secondary], storedNs);
        final long appended = serve(memoryServices[secondary], arrived, profile.flushServiceNs());
        return header(memoryPorts[secondary], memoryPorts[primary], appended);
    }
}
