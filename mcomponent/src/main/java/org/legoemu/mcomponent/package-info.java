/**
 * The memory monitor (LegoOS mComponent, §5.2): its settings ({@link org.legoemu.mcomponent.MemoryContext}), its
 * wiring and life cycle ({@link org.legoemu.mcomponent.MemoryMonitor}), the decoding and dispatch of every request it
 * serves ({@code MemoryAdapter}), which thread serves which request ({@code HomeThreadDispatch}), its heartbeat
 * figures ({@code MemoryLoad}) and the freeing of processes the GMM has forgotten ({@code HeldPids},
 * {@code ProcessReconciler}). The roles it plays live in sub-packages, one role each, as LegoOS keeps a folder per
 * concern in {@code managers/memory}:
 * <ul>
 * <li>{@link org.legoemu.mcomponent.home}: the processes this monitor is home of (VMA layout, VM syscalls, execve,
 * fork, commit accounting);</li>
 * <li>{@link org.legoemu.mcomponent.owner}: the pages of the vRegions this monitor owns, and its physical frames;</li>
 * <li>{@link org.legoemu.mcomponent.vregion}: where a home's changes go, locally or to the other owners;</li>
 * <li>{@link org.legoemu.mcomponent.replica}: replication (primary's sender, secondary's logs, their backups on the
 * sComponent, home standbys) and the GMM's failover orders;</li>
 * <li>{@link org.legoemu.mcomponent.vm}: the vocabulary they share (VMAs, the address layout, errno failures) and
 * the discipline of the state lock.</li>
 * </ul>
 * Dependencies point from this package into the role packages, never back.
 *
 * <p><b>Threading.</b> One {@link java.util.concurrent.locks.ReentrantLock}, the monitor's <em>state lock</em>
 * (made by {@link org.legoemu.mcomponent.MemoryMonitor#start()}), guards all the state of the role packages; every
 * request is served with it held, one at a time. The threads that take it:
 * <ul>
 * <li>the transport's dispatch thread, or over the in-JVM fabric the calling thread: owner and replication requests
 * (P2M_PCACHE_MISS, P2M_PCACHE_FLUSH, M2M_*, G2M_RESEED), which never call another component;</li>
 * <li>the home thread ({@code mcomponent-home}): home requests (P2M_EXECVE, P2M_MMAP, P2M_FORK, ...), one at a time
 * in arrival order; it gives the lock up while it waits for another mComponent or for replication, so other
 * requests may change the state meanwhile;</li>
 * <li>the failover thread ({@code mcomponent-failover}): G2M_PROMOTE and G2M_PROMOTE_HOME. It shares one
 * {@code MemoryAdapter} (its codecs) with the home thread; the two take turns under the lock;</li>
 * <li>the replicator thread (see {@link org.legoemu.mcomponent.replica}), to learn a vRegion's secondary and to read
 * the pages it seeds a secondary with;</li>
 * <li>the reconciler thread ({@code ProcessReconciler}), to list the pids held and free those the GMM has forgotten,
 * never holding the lock while it waits for the GMM;</li>
 * <li>the thread that calls {@link org.legoemu.mcomponent.MemoryMonitor#start()} and the heartbeat thread of
 * {@link org.legoemu.fabric.proxy.ClusterMembership}, when they (re-)register, to list the pids held
 * ({@code HeldPids}).</li>
 * </ul>
 * Not under the lock: {@code MemoryLoad}'s request count (an {@link java.util.concurrent.atomic.AtomicLong}
 * incremented by the serving threads, sampled by the heartbeat thread only) and the frame counts of
 * {@link org.legoemu.mcomponent.owner.FramePool}, which any thread may read.
 */
package org.legoemu.mcomponent;
