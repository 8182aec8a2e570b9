/**
 * The OWNER role (LegoOS §5.2, vRegion owner; §5.3 physical memory at the mComponent): the pages this monitor stores
 * for the vRegions it owns. {@link org.legoemu.mcomponent.owner.OwnedPages} maps pid to
 * {@link org.legoemu.mcomponent.owner.ProcessPages}, one process's owner-side state here: a copy of its VMAs in the
 * owned vRegions, its virtual page to physical frame map, the pComponent it may be served to, and whether each
 * vRegion is replicated. Frames come from the off-heap {@link org.legoemu.mcomponent.owner.FramePool} (demand zero,
 * reserved with {@code mmap} through jnr-ffi, {@link org.legoemu.mcomponent.owner.LibC}). The page-fault path
 * (resolve a line, store a flushed line) returns negative errnos and allocates nothing.
 *
 * <p><b>Threading.</b> Not thread-safe: every method is called with the monitor's state lock held (see
 * {@link org.legoemu.mcomponent}), except {@code FramePool.framesInUse}, {@code peakFramesInUse} and
 * {@code frameCapacity}, which any thread may read (the counts are volatile). The threads that take the lock to
 * come here: the dispatch thread or an in-JVM caller (misses, flushes, M2M_VMA_UPDATE, M2M_PAGE_STORE, M2M_FORK,
 * M2M_PROCESS_EXIT), the home thread (the home's own vRegions, applied locally by the router), the failover thread
 * (G2M_PROMOTE rebuilds a {@code ProcessPages} from a replica log), the replicator thread (records whether a vRegion
 * is replicated; reads the VMAs and pages it seeds a new secondary with) and the reconciler thread (frees a forgotten
 * process).
 */
package org.legoemu.mcomponent.owner;
