/**
 * The remote side of a process's ExCache lines and its view of memory: {@link
 * org.legoemu.pcomponent.memory.ProcessMemory} (the hart's {@code GuestMemory}), {@link
 * org.legoemu.pcomponent.memory.ProcessLines} (the process's ExCache tenant: fresh pages, TLBs, the operations of its
 * VM system calls), {@link org.legoemu.pcomponent.memory.RemoteLines} (fetch and write-back with the one
 * retry/failover loop), {@link org.legoemu.pcomponent.memory.OwnerDirectory} and its per-owner links (vRegion owner
 * lookup, pooled encoders), and the home's failover ({@link org.legoemu.pcomponent.memory.HomeFailover}).
 *
 * <p>Threads: all of it is called concurrently by the process's harts, its system calls and the ExCache's flusher,
 * never with an ExCache lock held; a failover blocks only the calling thread.
 */
package org.legoemu.pcomponent.memory;
