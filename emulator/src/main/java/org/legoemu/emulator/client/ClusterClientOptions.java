package org.legoemu.emulator.client;

import org.legoemu.emulator.daemon.AccessOptions;
import org.legoemu.emulator.daemon.EndpointConverter;
import org.legoemu.fabric.Endpoint;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every client of a running cluster needs (lego exec, put, get): {@code --gmm HOST:PORT} and the access
 * options ({@code --secret-file}, TLS). A picocli mixin.
 */
public final class ClusterClientOptions
{
    @Option(names = "--gmm", paramLabel = "HOST:PORT", required = true, converter = EndpointConverter.class,
        description = "The cluster's global manager.")
    Endpoint gmm;

    @CommandLine.Mixin
    AccessOptions access;
}
