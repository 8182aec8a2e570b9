package org.legoemu.pcomponent.excache;

/**
 * Where one process's ExCache lines come from and go back to: the owner mComponent of each vRegion, reached
 * over the fabric (P2M_PCACHE_MISS, P2M_PCACHE_FLUSH), and the process's harts' TLBs.
 *
 * <p>Threads: every method is called with no ExCache lock held, by the thread doing an ExCache access or
 * invalidation, or by the ExCache's flusher thread ({@link #backgroundFlush}); misses to different lines run in
 * parallel, so every method must be safe for concurrent calls (per-call state such as encoders and connections
 * must not be shared between concurrent calls). The ExCache never has two transfers of the same line in flight.
 */
public interface LineBackend
{
    /**
     * Fetches the 4 KiB line at line-aligned {@code vaddr} into {@code line}.
     *
     * @return the line's PROT_ bits (1 read, 2 write, 4 exec) from its VMA.
     * @throws org.legoemu.abi.GuestFault SIGSEGV if there is no mapping or the access is not permitted, SIGBUS
     *                                    if the memory side failed (out of memory, unreachable).
     */
    int fetch(long vaddr, int access, byte[] line);

    /**
     * Fetches the 4 KiB line at line-aligned {@code vaddr} into {@code line} for the prefetcher: as {@link #fetch} for
     * a read, but sent once (no failover and no retry: a prefetch that fails is dropped). Defaults to {@link #fetch}.
     *
     * @return the line's PROT_ bits from its VMA.
     * @throws org.legoemu.abi.GuestFault as {@link #fetch}, also for any failure in transport.
     */
    default int prefetch(final long vaddr, final byte[] line)
    {
        return fetch(vaddr, org.legoemu.abi.GuestMemory.ACCESS_READ, line);
    }

    /**
     * Writes back a dirty line.
     *
     * @throws org.legoemu.pcomponent.excache.WriteBackException if the owner cannot take it.
     */
    void flush(long vaddr, byte[] line);

    /**
     * Writes back a dirty line from the ExCache's flusher thread (see the class comment). Defaults to
     * {@link #flush}, for backends whose methods are thread-safe.
     *
     * @throws org.legoemu.pcomponent.excache.WriteBackException if the owner cannot take it.
     */
    default void backgroundFlush(final long vaddr, final byte[] line)
    {
        flush(vaddr, line);
    }

    /**
     * Whether a write-back of line {@code flushVaddr} can ride on the miss of line {@code vaddr} (LegoOS §4.3
     * piggyback): both lines have the same owner mComponent. Defaults to false.
     */
    default boolean sharesOwner(final long vaddr, final long flushVaddr)
    {
        return false;
    }

    /**
     * Writes back {@code flushLine} at {@code flushVaddr} and fetches the line at {@code vaddr} in one request
     * (only called when {@link #sharesOwner} said so). The write-back is applied before the line is read, and the
     * bytes of {@code flushLine} are consumed before {@code line} is filled, so both may be the same array.
     * Defaults to {@link #flush} then {@link #fetch}.
     *
     * @return as {@link #fetch}.
     * @throws org.legoemu.abi.GuestFault as {@link #fetch}; SIGBUS also when the write-back failed.
     */
    default int fetchWithWriteBack(
        final long vaddr, final int access, final byte[] line, final long flushVaddr, final byte[] flushLine)
    {
        flush(flushVaddr, flushLine);
        return fetch(vaddr, access, line);
    }

    /**
     * Zero-fill ("p-local"): if the page at line-aligned {@code vaddr} is fresh (mapped anonymous and never
     * materialised by its owner) and its protection permits {@code access}, claims it (it stops being fresh) and
     * returns its PROT_ bits; the ExCache then creates the line zeroed without a fetch. Defaults to -1: not fresh.
     *
     * @return the page's PROT_ bits, or -1 to fetch the line from its owner.
     */
    default int claimFresh(final long vaddr, final int access)
    {
        return -1;
    }

    /**
     * Whether the prefetcher may fetch the page at line-aligned {@code vaddr} from its owner ({@link #prefetch}):
     * false for a fresh page, which its demand miss zero-fills ({@link #claimFresh}); when true, the page stops being
     * able to become fresh again, as after a miss that found it not fresh. Defaults to true.
     */
    default boolean prefetchable(final long vaddr)
    {
        return true;
    }

    /**
     * File-mapping fill, first step: if the page at line-aligned {@code vaddr} is an untouched page of a file mapping
     * (its owner holds nothing of it) and its protection permits {@code access}, claims it (it stops being untouched)
     * and returns a claim for {@link #fillFromFile}. Defaults to -1: not such a page. Allocates nothing.
     *
     * @return the claim (non-negative), or -1 to go on with {@link #claimFresh} and the owner.
     */
    default int claimFile(final long vaddr, final int access)
    {
        return -1;
    }

    /**
     * File-mapping fill, second step: fills {@code line} with the file's bytes of the page {@link #claimFile} claimed
     * (zero past the end of the file within the page); the ExCache installs the line dirty, so it reaches the owner if it is ever
     * evicted.
     *
     * @param claim what {@link #claimFile} returned.
     * @return the page's PROT_ bits.
     * @throws org.legoemu.abi.GuestFault SIGBUS if the file cannot be read or the page lies wholly past its end.
     */
    default int fillFromFile(final long vaddr, final int claim, final byte[] line)
    {
        throw new IllegalStateException("no file pages");
    }

    /**
     * Drops every TLB entry of this process for virtual page {@code vpn}, and returns only when no hart of the
     * process can still read or write the line's bytes (its harts' run-lock handshake). The only call from the ExCache
     * up into its user.
     */
    void shootdown(long vpn);
}
