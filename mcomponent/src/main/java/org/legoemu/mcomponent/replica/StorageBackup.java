package org.legoemu.mcomponent.replica;

import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.BackupProxy;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BackupStorage} over the cluster's sComponent (found with X2G_LOOKUP_COMPONENT, written with
 * M2S_BACKUP_WRITE, read with M2S_BACKUP_READ, removed with M2S_BACKUP_DELETE). Backup files live in the
 * sComponent's backup area, which no guest path can name: their names are relative to it
 * ({@code m1a2b/pid-1000.log}). After a transport failure the next call looks the sComponent up again.
 * Thread-safe: calls are serialized.
 */
public final class StorageBackup implements BackupStorage, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(StorageBackup.class);

    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private BackupProxy storage;
    private Client client;

    /**
     * @param gmm       finds the sComponent (thread-safe proxy).
     * @param transport how to reach it.
     * @param timeoutNs per-request timeout.
     */
    public StorageBackup(final GmmProxy gmm, final Transport transport, final long timeoutNs)
    {
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
    }

    @Override
    public synchronized void write(
        final String path, final long fileOffset, final byte[] src, final int srcOffset, final int length)
    {
        try
        {
            storage().write(path, fileOffset, src, srcOffset, length);
        }
        catch (final RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            disconnect();
            throw ex;
        }
    }

    @Override
    public synchronized void read(
        final String path, final long fileOffset, final byte[] dst, final int dstOffset, final int length)
    {
        try
        {
            int done = 0;
            while (done < length)
            {
                final int n = storage().read(path, fileOffset + done, dst, dstOffset + done, length - done);
                if (n <= 0)
                {
                    throw new FabricException(Errno.EIO, path + " ends at " + (fileOffset + done) + ", expected " +
                        length + " bytes at " + fileOffset);
                }
                done += n;
            }
        }
        catch (final RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            disconnect();
            throw ex;
        }
    }

    @Override
    public synchronized void delete(final String path)
    {
        try
        {
            storage().delete(path);
        }
        catch (final RemoteErrorException ex)
        {
            if (ex.errno() != Errno.ENOENT)
            {
                LOG.warn("cannot remove backup {}: {}", path, ex.getMessage());
            }
        }
        catch (final FabricException ex)
        {
            disconnect();
            LOG.warn("cannot remove backup {}: {}", path, ex.getMessage());
        }
    }

    @Override
    public synchronized void close()
    {
        disconnect();
    }

    private BackupProxy storage()
    {
        if (storage == null)
        {
            final Endpoint endpoint = gmm.lookupKind(ComponentKind.SCOMPONENT).address();
            client = transport.connect(endpoint);
            storage = new BackupProxy(client, timeoutNs);
        }
        return storage;
    }

    private void disconnect()
    {
        if (client != null)
        {
            client.close();
        }
        client = null;
        storage = null;
    }
}
