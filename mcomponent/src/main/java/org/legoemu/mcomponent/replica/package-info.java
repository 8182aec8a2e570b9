/**
 * Replication and failover (LegoOS §4.7, plus the recovery LegoOS never shipped). As a primary,
 * {@link org.legoemu.mcomponent.replica.Replicator} appends every page stored and every VMA change applied in a
 * replicated vRegion to the vRegion's secondary (M2M_REPLICA_APPEND) before the request is answered, and seeds a new
 * secondary. As a secondary, {@link org.legoemu.mcomponent.replica.ReplicaLogs} keeps one {@code ReplicaLog} per
 * process, whose full batches the {@link org.legoemu.mcomponent.replica.BackupWriter} writes to a
 * {@link org.legoemu.mcomponent.replica.BackupStorage} ({@link org.legoemu.mcomponent.replica.StorageBackup}: a file on
 * the sComponent). As a home standby, it keeps the last {@link org.legoemu.mcomponent.home.HomeCheckpoint} of each
 * process; as a home, {@link org.legoemu.mcomponent.replica.RemoteHomeStandby} sends those checkpoints. And it serves
 * the GMM's failover orders ({@link org.legoemu.mcomponent.replica.ReplicaRequests}): G2M_PROMOTE (rebuild a vRegion
 * from the log), G2M_RESEED (seed a new secondary) and G2M_PROMOTE_HOME (become a process's home).
 *
 * <p><b>Threading.</b>
 * <ul>
 * <li>{@code ReplicaRequests}, {@code ReplicaLogs} and {@code ReplicaLog} are not thread-safe: used with the
 * monitor's state lock held (see {@link org.legoemu.mcomponent}), on the dispatch thread or an in-JVM caller
 * (M2M_REPLICA_APPEND, M2M_REPLICA_DROP, M2M_HOME_CHECKPOINT, G2M_RESEED), the failover thread (G2M_PROMOTE,
 * G2M_PROMOTE_HOME) and the reconciler thread (drops a forgotten process's log). The one exception,
 * {@code ReplicaLog.written}, is called by the backup writer thread: the batches being written and the spare batch are
 * a {@link java.util.concurrent.ConcurrentHashMap} and an {@link java.util.concurrent.atomic.AtomicReference}, and
 * the released flag is volatile.</li>
 * <li>{@code Replicator}: records are queued under the state lock (a bounded many-to-one queue), and sent, in queue
 * order, by one thread at a time ({@code sending} is an {@link java.util.concurrent.atomic.AtomicBoolean}): the
 * replicator thread ({@code mcomponent-replicator}), or an in-JVM caller right after its own request, with the lock
 * given up. The replicator thread takes the state lock only to read or mark a process's {@code ProcessPages}; a home
 * request waiting for its record gives the lock up while it waits.</li>
 * <li>{@code BackupWriter} runs its jobs on its own thread ({@code mcomponent-backup-writer}) in submission order;
 * submissions come from any thread through a {@link java.util.concurrent.LinkedBlockingQueue}.
 * {@code BackupStorage} implementations are thread-safe ({@code StorageBackup}'s calls are synchronized): the
 * writer thread writes while a promotion reads.</li>
 * <li>{@code RemoteHomeStandby} is called by the home thread and the failover thread; its tables are
 * {@link java.util.concurrent.ConcurrentHashMap}s, and it gives the state lock up while it calls the standby or the
 * GMM.</li>
 * </ul>
 */
package org.legoemu.mcomponent.replica;
