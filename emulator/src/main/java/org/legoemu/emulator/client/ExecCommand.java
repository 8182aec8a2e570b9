package org.legoemu.emulator.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.emulator.RunReport;
import org.legoemu.emulator.SignalTraps;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.proxy.ProcessExit;
import org.legoemu.fabric.proxy.ProcessorProxy;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.linux.LinuxProcess;
import org.legoemu.pcomponent.model.ModelFigures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code lego exec}: runs a guest on a running cluster. The GMM places the process (C2G_PLACE_PROCESS), the chosen
 * pComponent runs it (C2P_EXEC), and this command streams its console until it ends, then exits with its status.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "exec",
    sortOptions = false,
    description = {
        "Run GUEST on a running cluster: the GMM places it on the least-loaded pComponent, which runs it.",
        "GUEST and the paths it opens are in the sComponent's namespace (copy files there with 'lego put'). The "
            + "guest's stdout and stderr stream here while it runs, stdin is forwarded, Ctrl-C sends it SIGINT, and "
            + "the exit status is the guest's (128+N if killed by signal N)."},
    footer = {"", "Example:",
        "  lego exec --gmm 127.0.0.1:7000 --secret-file cluster.key -- /bin/wordcount /input.txt"})
public final class ExecCommand implements Callable<Integer>
{
    private static final long EXEC_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long GMM_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Lego parent;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Mixin
    ClusterClientOptions cluster;

    @Option(names = "--cwd", paramLabel = "DIR", defaultValue = "/",
        description = "The guest's working directory in the sComponent's namespace; a relative GUEST is found "
            + "there (default: ${DEFAULT-VALUE}).")
    String cwd;

    @Option(names = "--no-env", description = "Start the guest with an empty environment instead of this one's.")
    boolean noEnv;

    @Option(names = "--stats-json", paramLabel = "FILE", description = "Also write how the guest ended and its "
        + "modeled figures as JSON to FILE (the keys of 'lego run --stats-json' that a daemon pComponent reports; "
        + "docs/usage.md).")
    Path statsJson;

    @Parameters(index = "0", paramLabel = "GUEST", description = "Static riscv64 Linux ELF, a namespace path.")
    String guest;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the guest.")
    List<String> guestArgs = new ArrayList<>();

    @Override
    public Integer call()
    {
        verbosity.apply();
        final PrintWriter err = spec.commandLine().getErr();
        if (!cwd.startsWith("/"))
        {
            err.println("lego: --cwd " + cwd + " is not an absolute namespace path");
            return ExitCodes.USAGE;
        }
        final NettyTransport connecting;
        try
        {
            connecting = cluster.access.newTransport(false);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        // Ctrl-C and SIGTERM go to the guest, whose status then ends this command; the third one ends it at once
        final SignalRelay relay = new SignalRelay();
        try (NettyTransport transport = connecting;
             SignalTraps signals = SignalTraps.install(3, relay, "INT", "TERM"))
        {
            return run(transport, relay, err);
        }
        finally
        {
            err.flush();
        }
    }

    private int run(final NettyTransport transport, final SignalRelay relay, final PrintWriter err)
    {
        final GmmProxy gmmProxy = new GmmProxy(transport.connect(cluster.gmm), GMM_TIMEOUT_NS);
        final Placement placement;
        try
        {
            placement = gmmProxy.placeProcess();
        }
        catch (final RemoteErrorException ex)
        {
            err.println("lego: the GMM at " + cluster.gmm + " could not place the process: " + ex.getMessage());
            return ExitCodes.INTERNAL_ERROR;
        }
        catch (final FabricException ex)
        {
            err.println("lego: cannot reach the GMM at " + cluster.gmm + ": " + ex.getMessage());
            return ExitCodes.INTERNAL_ERROR;
        }
        final String path = LinuxProcess.resolve(cwd, guest);
        final List<String> argv = new ArrayList<>();
        argv.add(guest);
        argv.addAll(guestArgs);
        final Console console = parent.console();
        final ProcessorProxy pComponent = new ProcessorProxy(
            transport.connect(placement.pcomponentAddress()), EXEC_TIMEOUT_NS);
        try
        {
            pComponent.exec(placement, path, argv, environment(), LinuxProcess.resolve("/", cwd),
                console.terminal() ? ProcessorProxy.FLAG_TERMINAL : 0);
        }
        catch (final RemoteErrorException ex)
        {
            err.println("lego: " + (ex.errno() == Errno.ENOENT ? path + ": no such file in the sComponent's namespace "
                + "(copy it there with 'lego put')" : ex.getMessage()));
            return ex.errno() == Errno.ENOENT ? ExitCodes.NOT_FOUND :
                ex.errno() == Errno.ENOEXEC || ex.errno() == Errno.EACCES ? ExitCodes.CANNOT_EXECUTE :
                ExitCodes.INTERNAL_ERROR;
        }
        catch (final FabricException ex)
        {
            err.println("lego: cannot start pid " + placement.pid() + " on the pComponent at " +
                placement.pcomponentAddress() + ": " + ex.getMessage());
            forget(gmmProxy, placement.pid());
            return ExitCodes.INTERNAL_ERROR;
        }
        final RemoteConsole remote = new RemoteConsole(pComponent.client(), placement.pid(), console);
        relay.attach(remote);
        final ProcessExit exit;
        try
        {
            exit = remote.run();
        }
        catch (final FabricException ex)
        {
            err.println("lego: lost pid " + placement.pid() + " on the pComponent at " + placement.pcomponentAddress()
                + ": " + ex.getMessage());
            return ExitCodes.INTERNAL_ERROR;
        }
        if (exit.signal() != 0)
        {
            final Signal signal = Signal.of(exit.signal());
            err.println("lego: guest killed by " + (exit.description().isEmpty() ?
                (signal == null ? "signal " + exit.signal() : signal.name()) : exit.description()));
        }
        final ModelFigures model = modelFigures(exit.model());
        if (verbosity.verbose())
        {
            err.printf(Locale.ROOT, "lego: exit %d | pid %d on pComponent %d | %,d instructions in %.3f s%s%n",
                exit.exitStatus(), placement.pid(), placement.pcomponentId(), exit.instructions(),
                exit.wallNs() / 1e9, RunReport.modeledSummary(model));
        }
        if (statsJson != null)
        {
            try
            {
                writeJson(placement, exit, model);
            }
            catch (final IOException ex)
            {
                err.println("lego: cannot write " + statsJson + ": " + ex.getMessage());
                return exit.exitStatus() == 0 ? ExitCodes.INTERNAL_ERROR : exit.exitStatus();
            }
        }
        return exit.exitStatus();
    }

    /** The modeled figures as {@code lego run} reports them (no breakdown: P2C_OUTPUT does not carry it), or null. */
    private static ModelFigures modelFigures(final ProcessExit.Modeled m)
    {
        return m == null ? null : new ModelFigures(m.profile(), m.modeledNs(), m.localNs(), Map.of(), m.fetches(),
            m.missP50Ns(), m.missP99Ns());
    }

    /**
     * Writes {@code --stats-json}: {@code exitStatus}, {@code signal}, {@code pid}, {@code pcomponent},
     * {@code instructions}, {@code wallSeconds}, {@code mips} and {@code model.*} as {@code lego run} writes them
     * (without {@code model.breakdownNs}; {@code model} absent when the pComponent sent no figures).
     *
     * @throws IOException when the file cannot be written.
     */
    private void writeJson(final Placement placement, final ProcessExit exit, final ModelFigures model)
        throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ObjectNode root = mapper.createObjectNode();
        final Signal signal = exit.signal() == 0 ? null : Signal.of(exit.signal());
        root.put("exitStatus", exit.exitStatus());
        root.put("signal", exit.signal() == 0 ? null : signal == null ? "signal " + exit.signal() : signal.name());
        root.put("pid", placement.pid());
        root.put("pcomponent", placement.pcomponentId());
        root.put("instructions", exit.instructions());
        root.put("wallSeconds", exit.wallNs() / 1e9);
        root.put("mips", exit.wallNs() == 0 ? 0.0 : exit.instructions() * 1e3 / exit.wallNs());
        if (model != null)
        {
            RunReport.putModel(root.putObject("model"), model);
        }
        mapper.writeValue(statsJson.toFile(), root);
    }

    private List<String> environment()
    {
        final List<String> envp = new ArrayList<>();
        if (!noEnv)
        {
            for (final Map.Entry<String, String> e : System.getenv().entrySet())
            {
                envp.add(e.getKey() + "=" + e.getValue());
            }
        }
        return envp;
    }

    private static void forget(final GmmProxy gmmProxy, final int pid)
    {
        try
        {
            gmmProxy.processExit(pid, ExitCodes.INTERNAL_ERROR);
        }
        catch (final FabricException ignored)
        {
            // the GMM is unreachable too; it forgets the placement when the pComponent is declared dead
        }
    }
}
