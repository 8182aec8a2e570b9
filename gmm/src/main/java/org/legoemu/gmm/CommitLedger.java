package org.legoemu.gmm;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide commit limit (as Linux's {@code vm.overcommit_memory=2}, over the whole cluster): each home
 * mComponent counts the writable mappings of its processes, and holds a grant from this ledger of at least that
 * many bytes; the grants of the live homes together never pass the cluster's memory, the sum of the {@code --memory}
 * of the mComponents not DEAD. A home asks for more (M2G_COMMIT) only when its processes' commit outgrows its grant,
 * and then for some slack beyond it, so most mmap and brk calls cost the home no GMM call; a request the limit cannot
 * cover is refused with ENOMEM, which the home gives the guest (malloc returns NULL). A DEAD home's grant no longer
 * counts; the home that takes its processes over charges them again (forced: they exist). A restarted GMM learns
 * each home's grant when it registers again ({@link #restore}).
 * <p>
 * Not thread-safe: the {@link GlobalManager} serialises access.
 */
public final class CommitLedger
{
    private static final Logger LOG = LoggerFactory.getLogger(CommitLedger.class);

    private final Membership membership;
    private final Int2ObjectHashMap<long[]> grantedByHome = new Int2ObjectHashMap<>();

    /** @param membership the mComponents, their memory and liveness. */
    public CommitLedger(final Membership membership)
    {
        this.membership = membership;
    }

    /**
     * Sets home {@code homeId}'s grant: as much of {@code wantedBytes} as the limit leaves, at least
     * {@code neededBytes}. A grant smaller than the home holds gives bytes back.
     *
     * @param neededBytes what the home's processes will have committed, bytes.
     * @param wantedBytes {@code neededBytes} plus the slack the home would like, bytes.
     * @param force       grant {@code neededBytes} even past the limit (a commit that already exists: a home took a
     *                    process over from a DEAD one).
     * @return the bytes granted, in {@code [neededBytes, max(neededBytes, wantedBytes)]}.
     * @throws GmmException EINVAL for a negative figure or a component that is not a live mComponent; ENOMEM when
     *                      the other live homes' grants leave less than {@code neededBytes} (the grant is unchanged).
     */
    public long grant(final int homeId, final long neededBytes, final long wantedBytes, final boolean force)
    {
        if (neededBytes < 0 || wantedBytes < 0)
        {
            throw new GmmException(Errnos.EINVAL, "negative commit: needed " + neededBytes + ", wanted " +
                wantedBytes);
        }
        if (!membership.isKind(homeId, ComponentKind.MCOMPONENT) || !membership.isLive(homeId))
        {
            throw new GmmException(Errnos.EINVAL, "component " + homeId + " is not a live mcomponent");
        }
        final long available = limitBytes() - grantedBytesExcept(homeId);
        if (neededBytes > available && !force)
        {
            throw new GmmException(Errnos.ENOMEM, "home " + homeId + " needs " + neededBytes + " bytes committed; " +
                "the cluster's commit limit of " + limitBytes() + " bytes leaves it " + Math.max(0, available));
        }
        final long granted = Math.max(neededBytes, Math.min(Math.max(neededBytes, wantedBytes), available));
        grantedByHome.computeIfAbsent(homeId, (id) -> new long[1])[0] = granted;
        return granted;
    }

    /**
     * A restarted GMM learns what home {@code homeId} holds (M2G_MEMORY_RESTORE): recorded as granted, even past the
     * limit (the commit exists).
     */
    public void restore(final int homeId, final long grantedBytes)
    {
        if (grantedBytes > 0)
        {
            grantedByHome.computeIfAbsent(homeId, (id) -> new long[1])[0] = grantedBytes;
            if (grantedBytesExcept(-1) > limitBytes())
            {
                LOG.warn("homes report {} bytes committed, past the cluster's {} bytes", grantedBytesExcept(-1),
                    limitBytes());
            }
        }
    }

    /** The cluster's commit limit: the memory of the mComponents not DEAD, bytes. */
    public long limitBytes()
    {
        long bytes = 0;
        for (final ComponentInfo info : membership.components())
        {
            if (info.kind() == ComponentKind.MCOMPONENT && membership.isLive(info.componentId()))
            {
                bytes += info.capacityBytes();
            }
        }
        return bytes;
    }

    /** Bytes granted to the live homes together. */
    public long grantedBytes()
    {
        return grantedBytesExcept(-1);
    }

    /** Bytes granted to home {@code homeId}; 0 if none (or it is not live). */
    public long grantedBytes(final int homeId)
    {
        final long[] granted = grantedByHome.get(homeId);
        return granted == null || !membership.isLive(homeId) ? 0 : granted[0];
    }

    private long grantedBytesExcept(final int homeId)
    {
        long bytes = 0;
        final Int2ObjectHashMap<long[]>.KeyIterator it = grantedByHome.keySet().iterator();
        while (it.hasNext())
        {
            final int id = it.nextInt();
            if (id != homeId && membership.isLive(id))
            {
                bytes += grantedByHome.get(id)[0];
            }
        }
        return bytes;
    }
}
