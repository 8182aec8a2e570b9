/**
 * The timing model: how long the emulated disaggregated hardware would take to run a guest, in modeled ns, from
 * the run's own events (instructions retired, ExCache lookups, misses, write-backs, system calls, blocking) and a
 * {@link org.legoemu.pcomponent.model.FabricProfile}. Nothing here reads the host clock, so a single-threaded guest's
 * modeled time is the same on every run, transport and machine (docs/modeled-time.md).
 *
 * <p>Roles: {@link org.legoemu.pcomponent.model.FabricProfile} (the numbers), {@link
 * org.legoemu.pcomponent.model.ModeledServer} (a link or an mComponent as a busy calendar), {@link
 * org.legoemu.pcomponent.model.FabricModel} (the cluster's servers), {@link
 * org.legoemu.pcomponent.model.ExCacheModel} (one pComponent's ExCache in modeled time: its victim buffer and flusher
 * shadowed deterministically), {@link org.legoemu.pcomponent.model.HartTimer} (one hart's modeled clock and its local
 * baseline) and {@link org.legoemu.pcomponent.model.ProcessClock} (one process's figures).
 *
 * <p>Threads: a {@link org.legoemu.pcomponent.model.HartTimer} is advanced only by its hart's thread; the shared
 * servers and the ExCache shadow are guarded by the {@link org.legoemu.pcomponent.model.FabricModel}'s monitor.
 */
package org.legoemu.pcomponent.model;
