package org.legoemu.emulator.daemon;

import org.legoemu.fabric.Endpoint;
import picocli.CommandLine.Option;

/** Options every member daemon takes. */
public final class DaemonOptions
{
    @Option(names = "--gmm", paramLabel = "HOST:PORT", required = true, converter = EndpointConverter.class,
        description = "The global manager to join.")
    public Endpoint gmm;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
        converter = MemberListenConverter.class,
        description = "Where to serve requests, an address the other members can reach (not 0.0.0.0); port 0 picks "
            + "a free port, which is printed (default: ${DEFAULT-VALUE}).")
    public Endpoint listen;
}
