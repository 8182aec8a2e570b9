/**
 * Routing a home's changes to the vRegions' owners (LegoOS §5.2): {@link org.legoemu.mcomponent.vregion.VRegionRouter}
 * applies a VMA change, an image page, an exit or a fork locally when this monitor owns the vRegion and otherwise
 * calls the owner ({@link org.legoemu.mcomponent.vregion.RemoteOwners}: M2M_VMA_UPDATE, M2M_PAGE_STORE,
 * M2M_PROCESS_EXIT, M2M_FORK over {@link org.legoemu.mcomponent.vregion.ProxyRemoteOwners}); a vRegion first touched
 * gets its owner from the GMM ({@link org.legoemu.mcomponent.vregion.VRegionOwners}, M2G_VREGION_ALLOC), and an owner
 * that stops answering is asked of the GMM again until it names the promoted secondary.
 *
 * <p><b>Threading.</b> Not thread-safe: used by the home thread (and, for a promoted home, the failover thread) with
 * the monitor's state lock held (see {@link org.legoemu.mcomponent}). Every call to another mComponent, and the pause
 * before a retry, is made with the lock given up ({@link org.legoemu.mcomponent.vregion.UnlockedRemoteOwners}), so
 * that this monitor keeps serving owner requests, possibly from the very mComponent being called. The GMM's
 * M2G_VREGION_ALLOC is called with the lock held.
 */
package org.legoemu.mcomponent.vregion;
