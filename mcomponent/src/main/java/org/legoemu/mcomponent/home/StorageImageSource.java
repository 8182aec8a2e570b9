package org.legoemu.mcomponent.home;

import org.agrona.concurrent.NanoClock;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.sbe.ComponentKind;

/**
 * {@link ImageSource} over the cluster's sComponent, found with X2G_LOOKUP_COMPONENT(kind = SCOMPONENT) and read
 * with M2S_READ. Reads are retried after transport failures (a lost message, a partition that heals) for ten call
 * timeouts, looking the sComponent up again after a lost connection. Not thread-safe: guarded by the monitor's state
 * lock (see the package's threading rules).
 */
public final class StorageImageSource implements ImageSource, AutoCloseable
{
    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private final NanoClock clock;
    private StorageProxy storage;
    /** Longest time an image read retries an unreachable sComponent, ns (ten call timeouts, at most this). */
    private static final long MAX_RETRY_WINDOW_NS = 30_000_000_000L;

    /**
     * @param gmm       for finding the sComponent; used only on the calling thread.
     * @param transport how to reach it.
     * @param timeoutNs per-request timeout, nanoseconds.
     * @param clock     times the retry window.
     */
    public StorageImageSource(
        final GmmProxy gmm, final Transport transport, final long timeoutNs, final NanoClock clock)
    {
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
        this.clock = clock;
    }

    /** {@inheritDoc} Checks the file's type and mode with P2S_STAT first. */
    @Override
    public byte[] readExecutable(final String path)
    {
        try
        {
            final StorageProxy s = storage();
            if (!s.stat(path, true).isExecutableFile())
            {
                throw new RemoteErrorException(Errno.EACCES, path + ": permission denied (not an executable file)");
            }
            return s.readWhole(path);
        }
        catch (final RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            close();
            throw ex;
        }
    }

    /** {@inheritDoc} */
    @Override
    public int read(final String path, final long fileOffset, final byte[] dst, final int dstOffset, final int length)
    {
        try
        {
            return storage().readForExec(path, fileOffset, dst, dstOffset, length);
        }
        catch (final RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            close();
            throw ex;
        }
    }

    private StorageProxy storage()
    {
        if (storage == null)
        {
            storage = new StorageProxy(() -> transport.connect(gmm.lookupKind(ComponentKind.SCOMPONENT).address()),
                timeoutNs, Math.min(10 * timeoutNs, MAX_RETRY_WINDOW_NS), clock);
        }
        return storage;
    }

    /** Closes the connection to the sComponent, if any. */
    @Override
    public void close()
    {
        if (storage != null)
        {
            storage.close();
            storage = null;
        }
    }
}
