package org.legoemu.fabric.proxy;

import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.C2P_EXECEncoder;
import org.legoemu.fabric.sbe.C2P_KILLEncoder;
import org.legoemu.fabric.sbe.C2P_OUTPUT_POLLEncoder;
import org.legoemu.fabric.sbe.C2P_STDINEncoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2C_OUTPUTDecoder;

/**
 * Client-side encoder for the requests a client ({@code lego exec}) sends a pComponent: C2P_EXEC, C2P_OUTPUT_POLL,
 * C2P_STDIN and C2P_KILL (docs/architecture.md, "The exec protocol"). Its calls are serialized (every public method
 * is synchronized); use one proxy per thread over a shared {@link Client} to poll output and send stdin at once.
 * <p>
 * Failures surface as {@link org.legoemu.fabric.RemoteErrorException} (ESRCH for an unknown pid; from C2P_EXEC the
 * errno execve(2) would give: ENOENT, ENOEXEC, EACCES, ...) or {@link org.legoemu.fabric.FabricException}
 * (ETIMEDOUT, ECONNREFUSED, EIO; EPROTO for a reply of the wrong type).
 */
public final class ProcessorProxy
{
    /** C2P_EXEC flag: the client's console is a terminal. */
    public static final int FLAG_TERMINAL = 1;

    private final Client client;
    private final long timeoutNs;
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(4096);
    private final Reply reply = new Reply();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final C2P_EXECEncoder execEncoder = new C2P_EXECEncoder();
    private final C2P_OUTPUT_POLLEncoder pollEncoder = new C2P_OUTPUT_POLLEncoder();
    private final C2P_STDINEncoder stdinEncoder = new C2P_STDINEncoder();
    private final C2P_KILLEncoder killEncoder = new C2P_KILLEncoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final P2C_OUTPUTDecoder outputDecoder = new P2C_OUTPUTDecoder();
    private byte[] chunk = new byte[64 * 1024];

    /**
     * @param client    connected to the pComponent the GMM placed the process on.
     * @param timeoutNs how long each call waits for its reply, ns; must exceed the pComponent's ~200 ms long poll
     *                  and the time its home needs to load the ELF.
     */
    public ProcessorProxy(final Client client, final long timeoutNs)
    {
        this.client = client;
        this.timeoutNs = timeoutNs;
    }

    /** The client this proxy calls through. */
    public Client client()
    {
        return client;
    }

    /**
     * C2P_EXEC: starts the placed process; returns once its home mComponent has loaded the ELF.
     *
     * @param placement from C2G_PLACE_PROCESS.
     * @param path      the executable, a path in the sComponent's namespace.
     * @param argv      argv, argv[0] included.
     * @param envp      {@code NAME=value} strings.
     * @param cwd       initial working directory, an absolute namespace path.
     * @param flags     {@link #FLAG_TERMINAL} or 0.
     * @return the pid.
     */
    public synchronized int exec(
        final Placement placement, final String path, final List<String> argv, final List<String> envp,
        final String cwd, final int flags)
    {
        final byte[] argvBytes = NulStrings.join(argv);
        final byte[] envpBytes = NulStrings.join(envp);
        execEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(placement.pid())
            .homeMComponentId(placement.homeMComponentId())
            .flags(flags)
            .homeAddress(placement.homeAddress().toString())
            .path(path)
            .cwd(cwd)
            .putArgv(argvBytes, 0, argvBytes.length)
            .putEnvp(envpBytes, 0, envpBytes.length);
        return (int)callForAck(MessageHeaderEncoder.ENCODED_LENGTH + execEncoder.encodedLength());
    }

    /**
     * C2P_OUTPUT_POLL: waits (about 200 ms at most) for output of the process and hands it to {@code sink}.
     *
     * @param maxBytes most output bytes to take in this call.
     * @return how the process ended once this reply held the last of its output, else null (poll again).
     */
    public synchronized ProcessExit poll(final int pid, final int maxBytes, final ConsoleSink sink)
    {
        pollEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).maxBytes(maxBytes);
        call(MessageHeaderEncoder.ENCODED_LENGTH + pollEncoder.encodedLength(), P2C_OUTPUTDecoder.TEMPLATE_ID);
        final P2C_OUTPUTDecoder d = outputDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final boolean exited = d.exited() != 0;
        final int exitStatus = d.exitStatus();
        final int signal = d.signal();
        final long instructions = d.instructions();
        final long wallNs = d.wallNs();
        final long modeledNs = d.modeledNs();
        final long localModeledNs = d.localModeledNs();
        final long fetches = d.modeledFetches();
        final long missP50Ns = d.modeledMissP50Ns();
        final long missP99Ns = d.modeledMissP99Ns();
        for (final P2C_OUTPUTDecoder.ChunksDecoder c : d.chunks())
        {
            final int fd = c.fd();
            final int length = c.dataLength();
            if (chunk.length < length)
            {
                chunk = new byte[length];
            }
            c.getData(chunk, 0, length);
            sink.write(fd, chunk, 0, length);
        }
        final String description = d.description();
        final String profile = d.fabricModel(); // "" from a pComponent of schema version 6
        if (!exited)
        {
            return null;
        }
        final ProcessExit.Modeled model = profile.isEmpty() ? null : new ProcessExit.Modeled(profile, modeledNs,
            localModeledNs, fetches, missP50Ns, missP99Ns);
        return new ProcessExit(exitStatus, signal, description, instructions, wallNs, model);
    }

    /**
     * C2P_STDIN: offers bytes to the process's fd 0.
     *
     * @return bytes accepted; fewer than {@code length} (maybe 0) while its pipe is full: offer the rest later.
     */
    public synchronized int stdin(final int pid, final byte[] bytes, final int offset, final int length)
    {
        stdinEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).eof((short)0)
            .putData(bytes, offset, length);
        return (int)callForAck(MessageHeaderEncoder.ENCODED_LENGTH + stdinEncoder.encodedLength());
    }

    /** C2P_STDIN with eof: the process's reads of fd 0 return 0 once its pipe is empty. */
    public synchronized void closeStdin(final int pid)
    {
        stdinEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).eof((short)1).putData(chunk, 0, 0);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + stdinEncoder.encodedLength());
    }

    /** C2P_KILL: delivers {@code signal} (a Linux signal number) to the process as a fatal signal. */
    public synchronized void kill(final int pid, final int signal)
    {
        killEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).signal(signal);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + killEncoder.encodedLength());
    }

    private long callForAck(final int length)
    {
        call(length, AckDecoder.TEMPLATE_ID);
        return ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header()).value();
    }

    private void call(final int length, final int expectedTemplateId)
    {
        ProxyCalls.call(client, request, length, reply, timeoutNs, "pComponent", expectedTemplateId);
    }
}
