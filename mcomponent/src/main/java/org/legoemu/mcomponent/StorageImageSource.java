package org.legoemu.mcomponent;

import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.sbe.ComponentKind;

/**
 * {@link ImageSource} over the cluster's sComponent, found with X2G_LOOKUP_COMPONENT(kind = SCOMPONENT) and read
 * with M2S_READ. The storage proxy is kept while its sComponent answers; after a transport failure the next read
 * looks the sComponent up again. Not thread-safe: used only on the monitor's dispatch thread.
 */
public final class StorageImageSource implements ImageSource, AutoCloseable
{
    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private StorageProxy storage;
    private Client storageClient;

    /**
     * @param gmm       for finding the sComponent; used only on the calling thread.
     * @param transport how to reach it.
     * @param timeoutNs per-request timeout, nanoseconds.
     */
    public StorageImageSource(final GmmProxy gmm, final Transport transport, final long timeoutNs)
    {
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
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
            final Endpoint endpoint = gmm.lookupKind(ComponentKind.SCOMPONENT).address();
            storageClient = transport.connect(endpoint);
            storage = new StorageProxy(storageClient, timeoutNs);
        }
        return storage;
    }

    /** Closes the connection to the sComponent, if any. */
    @Override
    public void close()
    {
        if (storage != null)
        {
            storageClient.close();
            storageClient = null;
            storage = null;
        }
    }
}
