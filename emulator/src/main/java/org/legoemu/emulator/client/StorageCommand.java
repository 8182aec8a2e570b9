package org.legoemu.emulator.client;

import org.legoemu.abi.linux.Errno;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.fabric.proxy.ComponentAddress;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What {@code lego put} and {@code lego get} share: the GMM and secret options, finding the cluster's sComponent
 * (X2G_LOOKUP_COMPONENT by kind), and turning failures into one line on stderr and exit status 1.
 */
abstract class StorageCommand implements Callable<Integer>
{
    /** Files at least this large show progress on stderr, bytes. */
    static final long PROGRESS_FROM_BYTES = 8L << 20;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Lego parent;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Mixin
    ClusterClientOptions cluster;

    /** A failure already worded for the user. */
    static final class CopyException extends Exception
    {
        CopyException(final String message)
        {
            super(message);
        }
    }

    /** The command's name for messages, e.g. "lego put". */
    abstract String name();

    /**
     * Copies, through the sComponent.
     *
     * @param progress where to report progress of a large copy, or null.
     * @throws CopyException with a one-line reason.
     */
    abstract void copy(StorageProxy storage, Progress progress) throws CopyException, IOException;

    @Override
    public final Integer call()
    {
        verbosity.apply();
        final PrintWriter err = spec.commandLine().getErr();
        final NettyTransport connecting;
        try
        {
            connecting = cluster.access.newTransport(false);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            err.println(name() + ": " + ex.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        try (NettyTransport transport = connecting)
        {
            final ComponentAddress storage;
            try
            {
                storage = new GmmProxy(transport.connect(cluster.gmm), TIMEOUT_NS).lookupKind(ComponentKind.SCOMPONENT);
            }
            catch (final RemoteErrorException ex)
            {
                err.println(name() + ": the cluster has no live sComponent (" + ex.getMessage() + ")");
                return ExitCodes.INTERNAL_ERROR;
            }
            catch (final FabricException ex)
            {
                err.println(name() + ": cannot reach the GMM at " + cluster.gmm + ": " + ex.getMessage());
                return ExitCodes.INTERNAL_ERROR;
            }
            final Progress progress = verbosity.quiet() ? null : new Progress(name(), err, parent.console().terminal());
            copy(new StorageProxy(transport.connect(storage.address()), TIMEOUT_NS), progress);
            return 0;
        }
        catch (final CopyException ex)
        {
            err.println(name() + ": " + ex.getMessage());
            return 1;
        }
        catch (final IOException ex)
        {
            err.println(name() + ": " + ex.getMessage());
            return 1;
        }
        catch (final RemoteErrorException ex)
        {
            err.println(name() + ": " + ex.getMessage() + " (" + Errno.name(ex.errno()) + ")");
            return 1;
        }
        catch (final FabricException ex)
        {
            err.println(name() + ": lost the sComponent: " + ex.getMessage());
            return ExitCodes.INTERNAL_ERROR;
        }
        finally
        {
            err.flush();
        }
    }
}
