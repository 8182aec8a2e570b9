package org.legoemu.emulator.daemon;

import org.legoemu.emulator.PlacementConverter;
import org.legoemu.emulator.ReplicationConverter;
import org.legoemu.gmm.Replication;
import org.legoemu.fabric.Endpoint;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.GmmContext;
import org.legoemu.gmm.VRegionPlacement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lego gmm}: the global manager daemon (membership, failure detection, placement, vRegions). */
@Command(mixinStandardHelpOptions = true, name = "gmm", sortOptions = false,
    description = "Run the global manager (GMM) in the foreground until SIGINT/SIGTERM.")
public final class GmmCommand extends DaemonCommand
{
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0", converter = EndpointConverter.class,
        description = "Where to serve; port 0 picks a free port, which is printed (default: ${DEFAULT-VALUE}).")
    Endpoint listen;

    @Option(names = "--missed-heartbeats", paramLabel = "N", defaultValue = "8",
        description = "Missed 100 ms heartbeats after which a component is declared dead (default: ${DEFAULT-VALUE}).")
    int missedHeartbeats;

    @Option(names = "--pcomponent-lease", paramLabel = "DURATION", defaultValue = "3s",
        converter = org.legoemu.emulator.DurationConverter.class,
        description = "How long a pComponent may be cut off from the GMM before it is declared dead and its "
            + "processes are freed; it stops its guests just before (default: ${DEFAULT-VALUE}).")
    long pcomponentLeaseNs;

    @Option(names = "--placement", paramLabel = "POLICY", defaultValue = "least-loaded",
        converter = PlacementConverter.class, description = PlacementConverter.DESCRIPTION)
    VRegionPlacement placement;

    @Option(names = "--replication", paramLabel = "MODE", defaultValue = "log",
        converter = ReplicationConverter.class, description = ReplicationConverter.DESCRIPTION)
    Replication replication;

    @Override
    public Integer call()
    {
        return serve("gmm", (transport) ->
        {
            final GlobalManager gmm = new GlobalManager(new GmmContext()
                .transport(transport).listenEndpoint(listen).missedHeartbeats(missedHeartbeats)
                .pcomponentLeaseNs(pcomponentLeaseNs)
                .vregionPlacementPolicy(placement.create()).replication(replication)).start();
            return new Daemon.Started(gmm, gmm.endpoint());
        });
    }
}
