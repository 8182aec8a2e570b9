package org.legoemu.emulator.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.emulator.Sizes;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.fabric.proxy.ClusterStatus;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.fabric.proxy.GmmProxy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code lego status}: every component the GMM knows, with its state and load (C2G_STATUS): pComponent processes,
 * threads and ExCache occupancy; mComponent frames used/total and vRegions owned; sComponent bytes stored. The
 * figures are those of each component's last heartbeat (vRegions: the GMM's own table).
 */
@Command(mixinStandardHelpOptions = true, name = "status", sortOptions = false, description = "Show the cluster's components as the GMM sees them.")
public final class StatusCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @Option(names = "--gmm", paramLabel = "HOST:PORT", required = true, converter = EndpointConverter.class,
        description = "The global manager to ask.")
    Endpoint gmm;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Mixin
    AccessOptions access;

    @Override
    public Integer call() throws Exception
    {
        verbosity.apply();
        final PrintWriter out = spec.commandLine().getOut();
        final NettyTransport connecting;
        try
        {
            connecting = access.newTransport(false);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            spec.commandLine().getErr().println("lego status: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        final ClusterStatus status;
        try (NettyTransport transport = connecting)
        {
            status = new GmmProxy(transport.connect(gmm), TimeUnit.SECONDS.toNanos(5)).status();
        }
        catch (final FabricException ex)
        {
            spec.commandLine().getErr().println("lego status: cannot reach the GMM at " + gmm + ": " + ex.getMessage());
            return ExitCodes.INTERNAL_ERROR;
        }
        if (json)
        {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(status)));
        }
        else
        {
            out.printf(Locale.ROOT, "GMM %s up %s, %d components, fabric model %s%n", gmm,
                duration(status.uptimeNs()), status.components().size(),
                status.fabricModel().isEmpty() ? "-" : status.fabricModel());
            out.printf(Locale.ROOT, "%4s  %-10s  %-7s  %-22s  %9s  %12s  %s%n", "ID", "KIND", "STATE", "ADDRESS",
                "UPTIME", "CAPACITY", "LOAD");
            for (final ComponentStatus c : status.components())
            {
                out.printf(Locale.ROOT, "%4d  %-10s  %-7s  %-22s  %9s  %12s  %s%n", c.componentId(), kindName(c),
                    c.state().name().toLowerCase(Locale.ROOT), c.address(), duration(uptimeNs(status, c)),
                    c.capacityBytes() > 0 ? Sizes.format(c.capacityBytes()) : "-", load(c));
            }
        }
        out.flush();
        return 0;
    }

    /** Time since the component registered, ns. */
    private static long uptimeNs(final ClusterStatus status, final ComponentStatus c)
    {
        return Math.max(0, status.uptimeNs() - c.registeredAtNs());
    }

    /** A duration for people: 42.1 s, 12m05s, 3h07m, 2d04h. */
    static String duration(final long ns)
    {
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(ns);
        if (seconds < 60)
        {
            return String.format(Locale.ROOT, "%.1f s", ns / 1e9);
        }
        if (seconds < 3600)
        {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400)
        {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86400, seconds / 3600 % 24);
    }

    private static String kindName(final ComponentStatus c)
    {
        switch (c.kind())
        {
            case PCOMPONENT:
                return "pComponent";
            case MCOMPONENT:
                return "mComponent";
            case SCOMPONENT:
                return "sComponent";
            default:
                return c.kind().name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The LOAD column, e.g. "2 processes, 3 threads, ExCache 120/4096 lines (2.9%)"; "-" for a DEAD member, whose
     * last figures are stale.
     */
    static String load(final ComponentStatus c)
    {
        if (c.state() == ComponentState.DEAD)
        {
            return "- (no heartbeat: figures unknown)";
        }
        switch (c.kind())
        {
            case PCOMPONENT:
                return String.format(Locale.ROOT, "%d processes, %d threads, ExCache %d/%d lines (%s)", c.load(),
                    c.threads(), c.excacheLinesUsed(), c.pagesTotal(), percent(c.excacheLinesUsed(), c.pagesTotal()));
            case MCOMPONENT:
                return String.format(Locale.ROOT, "frames %d/%d (%s), %d vRegions", c.load(), c.pagesTotal(),
                    percent(c.load(), c.pagesTotal()), c.vregionsOwned());
            case SCOMPONENT:
                return Sizes.format(c.bytesStored()) + " stored";
            default:
                return "-";
        }
    }

    private static String percent(final long part, final long whole)
    {
        return whole <= 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static ObjectNode toJson(final ClusterStatus status)
    {
        final ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("uptimeNs", status.uptimeNs());
        root.put("fabricModel", status.fabricModel());
        final ArrayNode components = root.putArray("components");
        for (final ComponentStatus c : status.components())
        {
            final ObjectNode node = components.addObject();
            node.put("id", c.componentId());
            node.put("kind", kindName(c));
            node.put("state", c.state().name().toLowerCase(Locale.ROOT));
            node.put("address", c.address().toString());
            node.put("uptimeNs", uptimeNs(status, c));
            node.put("capacityBytes", c.capacityBytes());
            if (c.state() == ComponentState.DEAD)
            {
                continue; // its last figures are stale: no load keys
            }
            node.put("load", c.load());
            switch (c.kind())
            {
                case PCOMPONENT:
                    node.put("processes", c.load());
                    node.put("threads", c.threads());
                    node.put("excacheLinesUsed", c.excacheLinesUsed());
                    node.put("excacheLines", c.pagesTotal());
                    break;
                case MCOMPONENT:
                    node.put("framesUsed", c.load());
                    node.put("framesTotal", c.pagesTotal());
                    node.put("vregionsOwned", c.vregionsOwned());
                    break;
                case SCOMPONENT:
                    node.put("bytesStored", c.bytesStored());
                    break;
                default:
                    break;
            }
        }
        return root;
    }
}
