package org.legoemu.mcomponent;

import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.home.ExecLoader;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.vregion.RemoteOwners;
import org.legoemu.mcomponent.vregion.VRegionRouter;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/** One mComponent's state wired without a transport: it owns every vRegion itself; files come from a directory. */
final class LocalCluster implements AutoCloseable
{
    static final int COMPONENT_ID = 1;

    final FramePool pool;
    final OwnedPages stores;
    final VRegionRouter router;
    final ProcessHomes homes;
    final MemoryAdapter adapter;
    final MemoryProxy proxy;

    LocalCluster(final long memoryBytes, final Path root)
    {
        pool = new FramePool(memoryBytes);
        stores = new OwnedPages(pool);
        router = new VRegionRouter(
            () -> COMPONENT_ID,
            stores,
            (pid, home, vregion) -> new VRegionOwner(pid, vregion, COMPONENT_ID, new Endpoint("local", 1)),
            new RemoteOwners()
            {
                public void vmaUpdate(
                    final VRegionOwner o, final int pid, final int pc, final VmaOp op, final long s, final long e,
                    final int p)
                {
                    throw new AssertionError("no remote owners here");
                }

                public void pageStore(
                    final VRegionOwner o, final int pid, final int pc, final long vaddr, final byte[] page)
                {
                    throw new AssertionError("no remote owners here");
                }

                public long processExit(final VRegionOwner o, final int pid)
                {
                    throw new AssertionError("no remote owners here");
                }

                public long fork(final VRegionOwner o, final int parentPid, final int childPid, final int pc)
                {
                    throw new AssertionError("no remote owners here");
                }

                public void close()
                {
                }
            },
            null,
            MemoryContext.DEFAULT_OWNER_FAILOVER_NS,
            MemoryContext.DEFAULT_OWNER_FAILOVER_PAUSE_NS,
            SystemNanoClock.INSTANCE);
        homes = new ProcessHomes(router, new ExecLoader(router, new SecureRandom()), path ->
        {
            try
            {
                return Files.readAllBytes(root.resolve(path.substring(1)));
            }
            catch (final NoSuchFileException ex)
            {
                throw new RemoteErrorException(Errno.ENOENT, path + ": no such file");
            }
            catch (final java.io.IOException ex)
            {
                throw new RemoteErrorException(Errno.EIO, ex.toString());
            }
        });
        adapter = new MemoryAdapter(homes, stores);
        proxy = new MemoryProxy(new DirectClient(adapter), 1_000_000_000L);
    }

    @Override
    public void close()
    {
        pool.close();
    }
}
