package org.legoemu.fabric.faults;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.Transport;

/**
 * One component's view of a shared transport (see {@link FaultInjector#transportFor}): serving registers the
 * component's endpoint, connecting gives a {@link FaultyClient}. {@link #close()} does nothing: the shared
 * transport belongs to whoever created it.
 */
final class FaultyTransport implements Transport
{
    private final FaultInjector injector;
    private final String component;
    private final Transport shared;

    FaultyTransport(final FaultInjector injector, final String component, final Transport shared)
    {
        this.injector = injector;
        this.component = component;
        this.shared = shared;
    }

    /** {@inheritDoc} */
    @Override
    public Server serve(final Endpoint at, final String name, final RequestHandler handler)
    {
        final Server server = shared.serve(at, name, handler);
        injector.register(component, server.endpoint());
        injector.opened(component, server);
        return server;
    }

    /** {@inheritDoc} */
    @Override
    public Client connect(final Endpoint peer)
    {
        final Client client = shared.connect(peer);
        injector.opened(component, client);
        return new FaultyClient(injector, component, client);
    }

    /** Closes nothing (the shared transport is closed by its owner). */
    @Override
    public void close()
    {
    }

    @Override
    public String toString()
    {
        return "FaultyTransport{" + component + " over " + shared + "}";
    }
}
