/**
 * The pComponent's ExCache (LegoOS §4.3): set-associative 4 KiB lines tagged by (pid, vpn), eviction policies one
 * class each, the victim buffer and its {@link org.legoemu.pcomponent.excache.Flusher}, and the miss status holding
 * registers ({@link org.legoemu.pcomponent.excache.MshrTable}) that let misses run in parallel.
 *
 * <p>Threads: every hart and every system call of every process on the pComponent calls in concurrently; the
 * flusher is one more thread. Each set has a lock, the MSHR table has one (it also guards the victim buffer); lock
 * order set, then table; neither is held across a network round trip or a TLB shootdown. The cache calls down into
 * each process's {@link org.legoemu.pcomponent.excache.LineBackend} with no lock held, and up only to shoot down TLB
 * entries.
 */
package org.legoemu.pcomponent.excache;
