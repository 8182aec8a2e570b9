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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BackupStorage} over the cluster's sComponent (found with X2G_LOOKUP_COMPONENT, written with P2S_OPEN +
 * P2S_WRITE, read with P2S_READ, removed with P2S_UNLINK). Backup files live under {@link #DIRECTORY} in the
 * sComponent's namespace. After a transport failure the next call looks the sComponent up again. Thread-safe: calls
 * are serialized.
 */
public final class StorageBackup implements BackupStorage, AutoCloseable
{
    /** The sComponent directory that holds every mComponent's backup files. */
    public static final String DIRECTORY = "/.lego-replica";

    private static final Logger LOG = LoggerFactory.getLogger(StorageBackup.class);
    private static final int O_WRONLY_CREAT = 0x41;
    private static final int MODE = 0600;

    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private StorageProxy storage;
    private Client client;
    private String createdDirectory;

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
            final StorageProxy s = storage();
            ensureDirectory(s, path);
            s.open(path, O_WRONLY_CREAT, MODE);
            s.write(path, fileOffset, src, srcOffset, length);
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
            storage().unlink(path, false);
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

    private void ensureDirectory(final StorageProxy s, final String path)
    {
        final String directory = path.substring(0, path.lastIndexOf('/'));
        if (directory.equals(createdDirectory))
        {
            return;
        }
        int at = 1;
        while (at <= directory.length())
        {
            final int slash = directory.indexOf('/', at);
            final String prefix = slash < 0 ? directory : directory.substring(0, slash);
            try
            {
                s.mkdir(prefix, 0700);
            }
            catch (final RemoteErrorException ex)
            {
                if (ex.errno() != Errno.EEXIST)
                {
                    throw ex;
                }
            }
            at = slash < 0 ? directory.length() + 1 : slash + 1;
        }
        createdDirectory = directory;
    }

    private StorageProxy storage()
    {
        if (storage == null)
        {
            final Endpoint endpoint = gmm.lookupKind(ComponentKind.SCOMPONENT).address();
            client = transport.connect(endpoint);
            storage = new StorageProxy(client, timeoutNs);
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
        createdDirectory = null;
    }
}
