/**
 * The HOME role (LegoOS §5.2: the home mComponent of a process owns its VMA layout and serves its VM system calls):
 * the processes this monitor is home of ({@link org.legoemu.mcomponent.home.ProcessHomes}, pid to
 * {@link org.legoemu.mcomponent.home.AddressSpace}), mmap/munmap/mprotect/mremap/brk/madvise with Linux semantics,
 * execve at the memory side ({@link org.legoemu.mcomponent.home.ExecLoader}, reading executables through an
 * {@link org.legoemu.mcomponent.home.ImageSource}), fork of an address space, and commit accounting against the
 * cluster's memory ({@code CommittedMemory}, {@code ClusterMemoryLimit}). Each change is handed to a
 * {@link org.legoemu.mcomponent.home.VmaChangeListener} (the {@link org.legoemu.mcomponent.vregion} router, which
 * applies it on the vRegions' owners) and the layout is checkpointed to the process's
 * {@link org.legoemu.mcomponent.home.HomeStandby} as a {@link org.legoemu.mcomponent.home.HomeCheckpoint}.
 *
 * <p><b>Threading.</b> Nothing here is thread-safe: every class is used with the monitor's state lock held (see
 * {@link org.legoemu.mcomponent}). The home thread runs the home requests; the failover thread makes this monitor a
 * process's home from a checkpoint (G2M_PROMOTE_HOME: {@code ProcessHomes.adopt}, {@code restandby}); the reconciler
 * thread drops a forgotten process ({@code ProcessHomes.forget}); registration lists the pids held. A home request
 * does not keep the lock throughout: the router's calls to other owners, the standby's checkpoint and waits for
 * replication give it up, so another thread may change this package's state in between. The sComponent read of an executable ({@code StorageImageSource}) and the GMM's status
 * ({@code ClusterMemoryLimit}, at most once a second)
 * are called with the lock held.
 */
package org.legoemu.mcomponent.home;
