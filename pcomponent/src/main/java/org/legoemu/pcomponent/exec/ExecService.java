package org.legoemu.pcomponent.exec;

import org.agrona.ExpandableArrayBuffer;
import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.DeferredReply;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2C_OUTPUTEncoder;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.LaunchRequest;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.model.ModelFigures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The pComponent's side of {@code lego exec} (docs/architecture.md, "The exec protocol"): runs each process on its
 * own launcher thread (never on the server's dispatch thread), buffers its console in bounded buffers, answers the
 * client's long polls, feeds its stdin and delivers kill(2) signals.
 * <p>
 * Replies that wait (C2P_EXEC until the ELF is loaded, C2P_OUTPUT_POLL until output, exit or
 * {@link #POLL_WAIT_NS}) are deferred ({@link org.legoemu.fabric.Responder#defer()}) so the dispatch thread keeps
 * serving the other processes' clients. Polls are answered on one timer thread, which owns the reply encoder.
 * A client that neither polls nor sends for {@code clientLeaseNs} is taken as gone: its process is killed with
 * SIGKILL and its output dropped, so an abandoned process never holds the pComponent.
 */
public final class ExecService implements AutoCloseable
{
    /** Console output held per process for its client, bytes; a guest write beyond it blocks. */
    public static final int OUTPUT_BUFFER_BYTES = 256 * 1024;
    /** Client input held per process, bytes. */
    public static final int STDIN_PIPE_BYTES = 64 * 1024;
    /** Longest a poll waits for output, ns. */
    public static final long POLL_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Largest output one poll reply carries, bytes. */
    public static final int MAX_POLL_BYTES = 1024 * 1024;
    /** Most chunks (switches between stdout and stderr) in one poll reply. */
    public static final int MAX_POLL_CHUNKS = 1024;
    /** How long close() waits for killed processes to release their memory, ms. */
    private static final long CLOSE_WAIT_MS = 5_000;
    private static final long SLACK_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final Logger LOG = LoggerFactory.getLogger(ExecService.class);

    private final Function<LaunchRequest, ProcessResult> launcher;
    private final long clientLeaseNs;
    private final Map<Integer, ExecSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExpandableArrayBuffer replyBuffer = new ExpandableArrayBuffer(64 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final P2C_OUTPUTEncoder outputEncoder = new P2C_OUTPUTEncoder();
    private volatile boolean closing;

    /**
     * @param launcher      runs a process to its end on the calling thread (ProcessorMonitor::execute).
     * @param clientLeaseNs how long a client may stay silent before its process is killed, ns.
     * @param name          for the timer thread's name.
     */
    public ExecService(
        final Function<LaunchRequest, ProcessResult> launcher, final long clientLeaseNs, final String name)
    {
        this.launcher = launcher;
        this.clientLeaseNs = clientLeaseNs;
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r ->
        {
            final Thread t = new Thread(r, name + "-exec-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
        final long checkNs = Math.max(TimeUnit.MILLISECONDS.toNanos(100), clientLeaseNs / 4);
        timer.scheduleWithFixedDelay(this::expireLeases, checkNs, checkNs, TimeUnit.NANOSECONDS);
    }

    /**
     * C2P_EXEC: starts the process on its own thread; {@code reply} gets Ack(pid) once it has started, or the launch
     * error (ENOENT, ENOEXEC, ...). EEXIST if the pid already runs here; ESHUTDOWN while closing.
     *
     * @param placement where the GMM placed it (this pComponent, its home).
     * @param path      the executable, a namespace path.
     * @param argv      argv, argv[0] included.
     * @param envp      {@code NAME=value} strings.
     * @param cwd       the initial working directory, an absolute namespace path.
     * @param terminal  whether the client's console is a terminal.
     */
    public void exec(
        final Placement placement, final String path, final List<String> argv, final List<String> envp,
        final String cwd, final boolean terminal, final DeferredReply reply)
    {
        final int pid = placement.pid();
        if (closing)
        {
            reply.error(Errnos.ESHUTDOWN, "the pComponent is shutting down");
            return;
        }
        final ExecSession session = new ExecSession(
            pid, OUTPUT_BUFFER_BYTES, STDIN_PIPE_BYTES, this::outputArrived, ExecService::started);
        session.execReply = reply;
        if (sessions.putIfAbsent(pid, session) != null)
        {
            reply.error(Errno.EEXIST, "pid " + pid + " already runs on this pComponent");
            return;
        }
        final Console console =
            new Console(session.stdin, session.output.stream(1), session.output.stream(2), terminal);
        final LaunchRequest launch = new LaunchRequest(placement, path, argv, envp, cwd, console, session.control);
        final Thread thread = new Thread(() -> launch(session, launch), "exec-" + pid);
        thread.setDaemon(true);
        session.launcher = thread;
        thread.start();
    }

    /**
     * C2P_OUTPUT_POLL: {@code reply} gets P2C_OUTPUT as soon as there is output or the process has ended, else after
     * {@link #POLL_WAIT_NS}; ESRCH for an unknown pid. A newer poll for the same pid answers the older one EALREADY.
     */
    public void poll(final int pid, final int maxBytes, final DeferredReply reply)
    {
        final ExecSession session = sessions.get(pid);
        if (session == null)
        {
            reply.error(Errno.ESRCH, "no process " + pid + " runs for a client on this pComponent");
            return;
        }
        final DeferredReply previous;
        synchronized (session)
        {
            previous = session.pendingPoll;
            if (session.pendingTimeout != null)
            {
                session.pendingTimeout.cancel(false);
                session.pendingTimeout = null;
            }
            session.pendingPoll = reply;
            session.pendingMaxBytes = Math.max(1, Math.min(maxBytes, MAX_POLL_BYTES));
            session.pendingDeadlineNs = System.nanoTime() + POLL_WAIT_NS;
        }
        session.touch();
        if (previous != null)
        {
            previous.error(Errno.EALREADY, "superseded by a newer poll for pid " + pid);
        }
        try
        {
            timer.execute(() -> complete(session, false));
            final ScheduledFuture<?> timeout =
                timer.schedule(() -> complete(session, false), POLL_WAIT_NS, TimeUnit.NANOSECONDS);
            synchronized (session)
            {
                if (session.pendingPoll == reply)
                {
                    session.pendingTimeout = timeout;
                }
                else
                {
                    timeout.cancel(false);
                }
            }
        }
        catch (final RejectedExecutionException ex)
        {
            reply.error(Errnos.ESHUTDOWN, "the pComponent is shutting down");
        }
    }

    /**
     * C2P_STDIN: offers bytes to the process's fd 0, or ends its input.
     *
     * @return bytes accepted (fewer while the pipe is full).
     * @throws LaunchException ESRCH for an unknown pid.
     */
    public int stdin(final int pid, final byte[] bytes, final int length, final boolean endOfInput)
    {
        final ExecSession session = session(pid);
        session.touch();
        if (endOfInput)
        {
            session.stdin.endOfInput();
            return 0;
        }
        return session.stdin.offer(bytes, 0, length);
    }

    /**
     * C2P_KILL: ends the process with a fatal signal.
     *
     * @throws LaunchException ESRCH for an unknown pid, EINVAL for an unknown signal number.
     */
    public void kill(final int pid, final int signalNumber)
    {
        final ExecSession session = session(pid);
        final Signal signal = Signal.of(signalNumber);
        if (signal == null)
        {
            throw new LaunchException(Errno.EINVAL, "unknown signal " + signalNumber);
        }
        session.touch();
        LOG.info("pid {}: {} from its exec client", pid, signal);
        session.control.kill(signal, signal + ": sent by the exec client");
    }

    private ExecSession session(final int pid)
    {
        final ExecSession session = sessions.get(pid);
        if (session == null)
        {
            throw new LaunchException(Errno.ESRCH, "no process " + pid + " runs for a client on this pComponent");
        }
        return session;
    }

    private void launch(final ExecSession session, final LaunchRequest request)
    {
        ProcessResult result = null;
        LaunchException failure = null;
        try
        {
            result = launcher.apply(request);
        }
        catch (final LaunchException ex)
        {
            failure = ex;
        }
        catch (final RuntimeException ex)
        {
            LOG.error("pid {}: launch failed", session.pid, ex);
            failure = new LaunchException(Errno.EIO, "the pComponent failed running pid " + session.pid + ": " + ex);
        }
        if (!session.started)
        {
            sessions.remove(session.pid, session);
            session.execReply.error(failure.errno(), failure.getMessage());
            return;
        }
        synchronized (session)
        {
            session.ended = true;
            session.result = result;
            session.failure = failure;
        }
        LOG.info("pid {} ended: {}", session.pid,
            result == null ? failure.getMessage() : "status " + result.exitStatus());
        onTimer(() -> complete(session, false));
    }

    private static void started(final ExecSession session)
    {
        final ExpandableArrayBuffer ack = new ExpandableArrayBuffer(64);
        session.execReply.reply(ack, 0, Messages.encodeAck(ack, session.pid));
    }

    private void outputArrived(final ExecSession session)
    {
        onTimer(() -> complete(session, false));
    }

    /** Runs a task on the timer thread; false once the timer has stopped (at close). */
    private boolean onTimer(final Runnable task)
    {
        try
        {
            timer.execute(task);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    /** On the timer thread: answers the session's pending poll if it has output, has ended, or waited long enough. */
    private void complete(final ExecSession session, final boolean force)
    {
        final DeferredReply reply;
        final List<ConsoleBuffer.Chunk> chunks;
        final boolean last;
        final ProcessResult result;
        final LaunchException failure;
        synchronized (session)
        {
            if (session.pendingPoll == null)
            {
                return;
            }
            final boolean hasOutput = session.output.bufferedBytes() > 0;
            if (!force && !hasOutput && !session.ended && System.nanoTime() < session.pendingDeadlineNs - SLACK_NS)
            {
                return;
            }
            reply = session.pendingPoll;
            session.pendingPoll = null;
            if (session.pendingTimeout != null)
            {
                session.pendingTimeout.cancel(false);
                session.pendingTimeout = null;
            }
            chunks = session.output.take(session.pendingMaxBytes, MAX_POLL_CHUNKS);
            last = session.ended && session.output.bufferedBytes() == 0;
            result = session.result;
            failure = session.failure;
        }
        session.touch();
        if (last)
        {
            sessions.remove(session.pid, session);
        }
        if (last && failure != null)
        {
            reply.error(failure.errno(), failure.getMessage());
            return;
        }
        final P2C_OUTPUTEncoder e = outputEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .exited((short)(last ? 1 : 0))
            .exitStatus(last ? result.exitStatus() : 0)
            .signal(last && result.signal() != null ? result.signal().number() : 0)
            .instructions(last ? result.instructions() : 0)
            .wallNs(last ? result.wallNs() : 0);
        final ModelFigures model = last ? result.model() : null;
        e.modeledNs(model == null ? 0 : model.modeledNs())
            .localModeledNs(model == null ? 0 : model.localNs())
            .modeledFetches(model == null ? 0 : model.fetches())
            .modeledMissP50Ns(model == null ? 0 : model.missLatencyP50Ns())
            .modeledMissP99Ns(model == null ? 0 : model.missLatencyP99Ns());
        final P2C_OUTPUTEncoder.ChunksEncoder group = e.chunksCount(chunks.size());
        for (final ConsoleBuffer.Chunk chunk : chunks)
        {
            group.next().fd((short)chunk.fd()).putData(chunk.bytes(), 0, chunk.bytes().length);
        }
        e.description(last && result.description() != null ? result.description() : "");
        e.fabricModel(model == null ? "" : model.profile());
        reply.reply(replyBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength());
    }

    /** On the timer thread: kills the processes of silent clients, forgets ended processes nobody collected. */
    private void expireLeases()
    {
        final long now = System.nanoTime();
        for (final ExecSession session : sessions.values())
        {
            final boolean waiting;
            final boolean ended;
            synchronized (session)
            {
                waiting = session.pendingPoll != null;
                ended = session.ended;
            }
            if (waiting || !session.started || now - session.lastContactNs < clientLeaseNs)
            {
                continue;
            }
            if (ended)
            {
                sessions.remove(session.pid, session);
                LOG.warn("pid {} ended but its exec client never collected the status; forgotten", session.pid);
            }
            else
            {
                LOG.warn("pid {}: no word from its exec client for {} ms; killing it", session.pid,
                    TimeUnit.NANOSECONDS.toMillis(now - session.lastContactNs));
                session.control.kill(Signal.SIGKILL, "SIGKILL: the exec client is gone");
                session.output.discard();
                session.stdin.endOfInput();
                session.touch();
            }
        }
    }

    /**
     * Kills every process with SIGKILL, waits (up to 5 s) for them to release their memory, answers the polls
     * waiting with what is left, and stops the timer.
     */
    @Override
    public void close()
    {
        closing = true;
        final List<ExecSession> running = new ArrayList<>(sessions.values());
        for (final ExecSession session : running)
        {
            session.control.kill(Signal.SIGKILL, "SIGKILL: the pComponent is shutting down");
            session.stdin.endOfInput();
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        for (final ExecSession session : running)
        {
            try
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs > 0)
                {
                    session.launcher.join(leftMs);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try
        {
            timer.submit(() ->
            {
                for (final ExecSession session : running)
                {
                    complete(session, true);
                }
            }).get(1, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            LOG.warn("exec polls not all answered at close: {}", ex.toString());
        }
        timer.shutdownNow();
    }
}
