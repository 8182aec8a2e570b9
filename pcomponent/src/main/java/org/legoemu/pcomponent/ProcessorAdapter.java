package org.legoemu.pcomponent;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.AdapterSupport;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.proxy.NulStrings;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.proxy.ProcessorProxy;
import org.legoemu.fabric.sbe.C2P_EXECDecoder;
import org.legoemu.fabric.sbe.C2P_KILLDecoder;
import org.legoemu.fabric.sbe.C2P_OUTPUT_POLLDecoder;
import org.legoemu.fabric.sbe.C2P_STDINDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.pcomponent.exec.ExecService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Decodes the requests a pComponent serves, those of {@code lego exec} (C2P_EXEC, C2P_OUTPUT_POLL, C2P_STDIN,
 * C2P_KILL), checks them and hands them to the {@link ExecService}; runs on the server's dispatch thread and never
 * blocks it. A wrong schemaId, an unknown templateId or a truncated message gets ErrorReply EPROTO and a log line.
 */
final class ProcessorAdapter implements RequestHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorAdapter.class);
    /** Largest C2P_STDIN payload accepted, bytes. */
    private static final int MAX_STDIN_BYTES = ExecService.STDIN_PIPE_BYTES;

    private final ExecService exec;
    private final IntSupplier componentId;
    private final Supplier<Endpoint> endpoint;
    private final UnsafeBuffer request = new UnsafeBuffer(0, 0);
    private final byte[] stdinBytes = new byte[MAX_STDIN_BYTES];
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final C2P_EXECDecoder execDecoder = new C2P_EXECDecoder();
    private final C2P_OUTPUT_POLLDecoder pollDecoder = new C2P_OUTPUT_POLLDecoder();
    private final C2P_STDINDecoder stdinDecoder = new C2P_STDINDecoder();
    private final C2P_KILLDecoder killDecoder = new C2P_KILLDecoder();

    /**
     * @param exec        runs the processes.
     * @param componentId this pComponent's id (known once it has joined).
     * @param endpoint    where it serves.
     */
    ProcessorAdapter(final ExecService exec, final IntSupplier componentId, final Supplier<Endpoint> endpoint)
    {
        this.exec = exec;
        this.componentId = componentId;
        this.endpoint = endpoint;
    }

    @Override
    public void onRequest(final DirectBuffer buffer, final int offset, final int length, final Responder responder)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            reject(responder, "message of " + length + " bytes is shorter than its header");
            return;
        }
        request.wrap(buffer, offset, length);
        headerDecoder.wrap(request, 0);
        final int templateId = headerDecoder.templateId();
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            reject(responder, "schemaId " + headerDecoder.schemaId() + " is not " + MessageHeaderDecoder.SCHEMA_ID);
            return;
        }
        try
        {
            dispatch(templateId, responder);
        }
        catch (final LaunchException ex)
        {
            LOG.debug("request templateId {} refused: {}", templateId, ex.getMessage());
            responder.error(ex.errno(), ex.getMessage());
        }
        catch (final IndexOutOfBoundsException ex)
        {
            reject(responder, "templateId " + templateId + " truncated: " + ex.getMessage());
        }
    }

    private void dispatch(final int templateId, final Responder responder)
    {
        switch (templateId)
        {
            case C2P_EXECDecoder.TEMPLATE_ID:
                onExec(responder);
                break;

            case C2P_OUTPUT_POLLDecoder.TEMPLATE_ID:
                checkBlockLength(C2P_OUTPUT_POLLDecoder.BLOCK_LENGTH);
                pollDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                exec.poll(pollDecoder.pid(), pollDecoder.maxBytes(), responder.defer());
                break;

            case C2P_STDINDecoder.TEMPLATE_ID:
                onStdin(responder);
                break;

            case C2P_KILLDecoder.TEMPLATE_ID:
                checkBlockLength(C2P_KILLDecoder.BLOCK_LENGTH);
                killDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                exec.kill(killDecoder.pid(), killDecoder.signal());
                responder.reply(Messages.encodeAck(responder.buffer(), 0));
                break;

            default:
                reject(responder, "templateId " + templateId + " is not a pComponent request");
                break;
        }
    }

    private void onExec(final Responder responder)
    {
        checkBlockLength(C2P_EXECDecoder.BLOCK_LENGTH);
        final C2P_EXECDecoder d = execDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
        final int pid = d.pid();
        final int homeId = d.homeMComponentId();
        final boolean terminal = (d.flags() & ProcessorProxy.FLAG_TERMINAL) != 0;
        checkVarField(d.limit());
        final String homeAddress = d.homeAddress();
        checkVarField(d.limit());
        final String path = d.path();
        checkVarField(d.limit());
        final String cwd = d.cwd();
        checkVarField(d.limit());
        final byte[] argv = new byte[d.argvLength()];
        d.getArgv(argv, 0, argv.length);
        checkVarField(d.limit());
        final byte[] envp = new byte[d.envpLength()];
        d.getEnvp(envp, 0, envp.length);
        final Endpoint home;
        try
        {
            home = Endpoint.parse(homeAddress);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new LaunchException(Errnos.EINVAL, "bad home address '" + homeAddress + "'");
        }
        if (!cwd.startsWith("/"))
        {
            throw new LaunchException(Errnos.EINVAL, "cwd '" + cwd + "' is not an absolute path");
        }
        final Placement placement = new Placement(pid, componentId.getAsInt(), homeId, endpoint.get(), home);
        LOG.info("pid {}: exec {} for a client (home mcomponent {})", pid, path, homeId);
        exec.exec(placement, path, NulStrings.split(argv), NulStrings.split(envp), cwd, terminal, responder.defer());
    }

    private void onStdin(final Responder responder)
    {
        checkBlockLength(C2P_STDINDecoder.BLOCK_LENGTH);
        final C2P_STDINDecoder d = stdinDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
        final int pid = d.pid();
        final boolean eof = d.eof() != 0;
        checkVarField(d.limit());
        final int dataLength = d.dataLength();
        if (dataLength > MAX_STDIN_BYTES)
        {
            throw new LaunchException(Errnos.EINVAL, "stdin chunk of " + dataLength + " bytes exceeds " +
                MAX_STDIN_BYTES);
        }
        d.getData(stdinBytes, 0, dataLength);
        final int accepted = exec.stdin(pid, stdinBytes, dataLength, eof);
        responder.reply(Messages.encodeAck(responder.buffer(), accepted));
    }

    private void checkBlockLength(final int expectedBlockLength)
    {
        final String error = AdapterSupport.blockLengthError(headerDecoder, request, expectedBlockLength);
        if (error != null)
        {
            throw new IndexOutOfBoundsException(error);
        }
    }

    private void checkVarField(final int limit)
    {
        final String error = AdapterSupport.varFieldError(headerDecoder, request, limit);
        if (error != null)
        {
            throw new IndexOutOfBoundsException(error);
        }
    }

    private static void reject(final Responder responder, final String text)
    {
        LOG.warn("pcomponent request rejected: {}", text);
        responder.error(Errnos.EPROTO, text);
    }
}
