package org.legoemu.emulator;

import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Initializes, on a thread of its own, the classes whose initialization is slow and that every start of an embedded
 * cluster or mComponent needs, while the main thread parses the command line and configures logging: the libc
 * binding of the mComponent's frame pool (jnr-ffi generates its stubs: about 65 ms of CPU) and the fabric's request
 * validator (it parses the SBE schema: about 24 ms). The work is the same; on a machine with an idle core the
 * process starts that much sooner (docs/performance.md, "Guest speed"). Whichever thread comes second waits for the
 * first to finish the initialization, as the JVM's class initialization lock does for any class.
 */
final class StartupPrewarm
{
    /** The subcommands that start an mComponent, and so need both classes. */
    private static final Set<String> SUBCOMMANDS = Set.of("run", "bench", "chaos", "mcomponent");
    private static final List<String> CLASSES = List.of(
        "org.legoemu.mcomponent.owner.LibC", "org.legoemu.fabric.transport.RequestValidator");

    /** Counted down once the prewarm thread has initialized SLF4J (Logback); {@code null} without that thread. */
    private static volatile CountDownLatch logging;

    private StartupPrewarm()
    {
    }

    /** Starts the thread (a daemon) if {@code args} name a subcommand that starts an mComponent. */
    static void start(final String[] args)
    {
        if (args.length == 0 || !SUBCOMMANDS.contains(args[0]))
        {
            return;
        }
        logging = new CountDownLatch(1);
        final Thread thread = new Thread(StartupPrewarm::initialize, "lego-prewarm");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits (at most 10 s) until the prewarm thread has initialized SLF4J. While one thread initializes it, SLF4J
     * hands every other thread a {@code SubstituteLogger}, which is not Logback's, so the main thread must not set
     * log levels before then.
     */
    static void awaitLogging()
    {
        final CountDownLatch latch = logging;
        if (latch == null)
        {
            return;
        }
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void initialize()
    {
        try
        {
            LoggerFactory.getILoggerFactory();
        }
        finally
        {
            logging.countDown();
        }
        for (final String name : CLASSES)
        {
            try
            {
                Class.forName(name, true, StartupPrewarm.class.getClassLoader());
            }
            catch (final Throwable failure) // NOPMD: the user of the class fails too, but without this cause
            {
                LoggerFactory.getLogger(StartupPrewarm.class).warn("cannot initialize {}", name, failure);
            }
        }
    }
}
