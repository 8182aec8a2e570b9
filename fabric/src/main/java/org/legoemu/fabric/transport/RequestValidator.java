package org.legoemu.fabric.transport;

import java.io.InputStream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntHashSet;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.C2G_PLACE_PROCESSDecoder;
import org.legoemu.fabric.sbe.C2P_EXECDecoder;
import org.legoemu.fabric.sbe.C2P_KILLDecoder;
import org.legoemu.fabric.sbe.C2P_OUTPUT_POLLDecoder;
import org.legoemu.fabric.sbe.C2P_STDINDecoder;
import org.legoemu.fabric.sbe.C2G_STATUSDecoder;
import org.legoemu.fabric.sbe.ErrorReplyDecoder;
import org.legoemu.fabric.sbe.G2C_PLACEMENTDecoder;
import org.legoemu.fabric.sbe.G2C_STATUSDecoder;
import org.legoemu.fabric.sbe.G2M_PROCESS_CHECK_REPLYDecoder;
import org.legoemu.fabric.sbe.G2X_COMPONENTDecoder;
import org.legoemu.fabric.sbe.G2X_REGISTER_REPLYDecoder;
import org.legoemu.fabric.sbe.G2X_VREGION_OWNERDecoder;
import org.legoemu.fabric.sbe.M2G_VREGION_ALLOCDecoder;
import org.legoemu.fabric.sbe.M2M_PAGE_STOREDecoder;
import org.legoemu.fabric.sbe.M2M_FORKDecoder;
import org.legoemu.fabric.sbe.M2M_PROCESS_EXITDecoder;
import org.legoemu.fabric.sbe.P2G_FORK_PLACEDecoder;
import org.legoemu.fabric.sbe.P2M_FORKDecoder;
import org.legoemu.fabric.sbe.M2M_VMA_UPDATEDecoder;
import org.legoemu.fabric.sbe.M2P_EXECVE_REPLYDecoder;
import org.legoemu.fabric.sbe.M2P_PCACHE_LINEDecoder;
import org.legoemu.fabric.sbe.M2P_VM_REPLYDecoder;
import org.legoemu.fabric.sbe.M2S_READDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.P2C_OUTPUTDecoder;
import org.legoemu.fabric.sbe.M2G_PROCESS_CHECKDecoder;
import org.legoemu.fabric.sbe.P2G_PROCESS_LOOKUPDecoder;
import org.legoemu.fabric.sbe.P2G_VREGION_LOOKUPDecoder;
import org.legoemu.fabric.sbe.P2M_BRKDecoder;
import org.legoemu.fabric.sbe.P2M_EXECVEDecoder;
import org.legoemu.fabric.sbe.P2M_MMAPDecoder;
import org.legoemu.fabric.sbe.P2M_MADVISEDecoder;
import org.legoemu.fabric.sbe.P2M_MMAP_FILEDecoder;
import org.legoemu.fabric.sbe.P2M_MREMAPDecoder;
import org.legoemu.fabric.sbe.P2M_MPROTECTDecoder;
import org.legoemu.fabric.sbe.P2M_MUNMAPDecoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_FLUSHDecoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_MISSDecoder;
import org.legoemu.fabric.sbe.P2M_PROCESS_EXITDecoder;
import org.legoemu.fabric.sbe.P2S_FSYNCDecoder;
import org.legoemu.fabric.sbe.P2S_OPENDecoder;
import org.legoemu.fabric.sbe.S2X_LOCKDecoder;
import org.legoemu.fabric.sbe.P2S_READDecoder;
import org.legoemu.fabric.sbe.P2S_STATDecoder;
import org.legoemu.fabric.sbe.P2S_TRUNCATEDecoder;
import org.legoemu.fabric.sbe.P2S_WRITEDecoder;
import org.legoemu.fabric.sbe.S2X_DATADecoder;
import org.legoemu.fabric.sbe.S2X_DIR_ENTRIESDecoder;
import org.legoemu.fabric.sbe.S2X_STAT_REPLYDecoder;
import org.legoemu.fabric.sbe.X2G_DEREGISTERDecoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder;
import org.legoemu.fabric.sbe.X2G_LOOKUP_COMPONENTDecoder;
import org.legoemu.fabric.sbe.X2G_PROCESS_EXITDecoder;
import org.legoemu.fabric.sbe.X2G_REGISTERDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CHALLENGEDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CONFIRMDecoder;
import org.legoemu.fabric.sbe.S2X_STATFS_REPLYDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_HELLODecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_RESPONSEDecoder;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Validation of a request's SBE message header, shared by every transport: the message must hold a whole header,
 * carry this schema's id ({@link MessageHeaderDecoder#SCHEMA_ID}), a request templateId, and a blockLength no smaller
 * than the template's and no larger than the bytes after the header. A failure is answered with ErrorReply EPROTO.
 * <p>
 * Request templates are the requests listed here by their generated TEMPLATE_ID constants plus any message added
 * later to {@code sbe/lego-messages.xml} that is not a known reply (read from the schema resource at class load), so
 * that messages added by other modules are served without touching this class. The connection handshake messages
 * (X2X_AUTH_*) are neither: they are consumed by the TCP transport before any request and never dispatched.
 */
public final class RequestValidator
{
    /** Path of the schema on the class path. */
    public static final String SCHEMA_RESOURCE = "/sbe/lego-messages.xml";

    /** Template ids of every reply message in the schema. */
    private static final IntHashSet REPLY_TEMPLATE_IDS = new IntHashSet();
    /** Template ids of the connection handshake (X2X_AUTH_*), which are neither requests nor replies. */
    private static final IntHashSet HANDSHAKE_TEMPLATE_IDS = new IntHashSet();
    /** Request templateId to its minimum blockLength. */
    private static final Int2IntHashMap REQUEST_BLOCK_LENGTHS = new Int2IntHashMap(-1);

    static
    {
        REPLY_TEMPLATE_IDS.add(ErrorReplyDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(AckDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(G2X_REGISTER_REPLYDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(G2X_COMPONENTDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(G2C_STATUSDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(G2C_PLACEMENTDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(G2X_VREGION_OWNERDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(M2P_EXECVE_REPLYDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(M2P_PCACHE_LINEDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(M2P_VM_REPLYDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(S2X_DATADecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(S2X_STAT_REPLYDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(S2X_DIR_ENTRIESDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(S2X_LOCKDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(S2X_STATFS_REPLYDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(P2C_OUTPUTDecoder.TEMPLATE_ID);
        REPLY_TEMPLATE_IDS.add(G2M_PROCESS_CHECK_REPLYDecoder.TEMPLATE_ID);

        HANDSHAKE_TEMPLATE_IDS.add(X2X_AUTH_HELLODecoder.TEMPLATE_ID);
        HANDSHAKE_TEMPLATE_IDS.add(X2X_AUTH_CHALLENGEDecoder.TEMPLATE_ID);
        HANDSHAKE_TEMPLATE_IDS.add(X2X_AUTH_RESPONSEDecoder.TEMPLATE_ID);
        HANDSHAKE_TEMPLATE_IDS.add(X2X_AUTH_CONFIRMDecoder.TEMPLATE_ID);

        request(X2G_REGISTERDecoder.TEMPLATE_ID, X2G_REGISTERDecoder.BLOCK_LENGTH);
        request(X2G_HEARTBEATDecoder.TEMPLATE_ID, X2G_HEARTBEATDecoder.BLOCK_LENGTH);
        request(X2G_DEREGISTERDecoder.TEMPLATE_ID, X2G_DEREGISTERDecoder.BLOCK_LENGTH);
        request(X2G_LOOKUP_COMPONENTDecoder.TEMPLATE_ID, X2G_LOOKUP_COMPONENTDecoder.BLOCK_LENGTH);
        request(C2G_STATUSDecoder.TEMPLATE_ID, C2G_STATUSDecoder.BLOCK_LENGTH);
        request(C2G_PLACE_PROCESSDecoder.TEMPLATE_ID, C2G_PLACE_PROCESSDecoder.BLOCK_LENGTH);
        request(M2G_VREGION_ALLOCDecoder.TEMPLATE_ID, M2G_VREGION_ALLOCDecoder.BLOCK_LENGTH);
        request(P2G_VREGION_LOOKUPDecoder.TEMPLATE_ID, P2G_VREGION_LOOKUPDecoder.BLOCK_LENGTH);
        request(X2G_PROCESS_EXITDecoder.TEMPLATE_ID, X2G_PROCESS_EXITDecoder.BLOCK_LENGTH);
        request(M2G_PROCESS_CHECKDecoder.TEMPLATE_ID, M2G_PROCESS_CHECKDecoder.BLOCK_LENGTH);
        request(P2M_EXECVEDecoder.TEMPLATE_ID, P2M_EXECVEDecoder.BLOCK_LENGTH);
        request(P2M_PCACHE_MISSDecoder.TEMPLATE_ID, P2M_PCACHE_MISSDecoder.BLOCK_LENGTH);
        request(P2M_PCACHE_FLUSHDecoder.TEMPLATE_ID, P2M_PCACHE_FLUSHDecoder.BLOCK_LENGTH);
        request(P2M_MMAPDecoder.TEMPLATE_ID, P2M_MMAPDecoder.BLOCK_LENGTH);
        request(P2M_MUNMAPDecoder.TEMPLATE_ID, P2M_MUNMAPDecoder.BLOCK_LENGTH);
        request(P2M_BRKDecoder.TEMPLATE_ID, P2M_BRKDecoder.BLOCK_LENGTH);
        request(P2M_MPROTECTDecoder.TEMPLATE_ID, P2M_MPROTECTDecoder.BLOCK_LENGTH);
        request(P2M_PROCESS_EXITDecoder.TEMPLATE_ID, P2M_PROCESS_EXITDecoder.BLOCK_LENGTH);
        request(P2M_MADVISEDecoder.TEMPLATE_ID, P2M_MADVISEDecoder.BLOCK_LENGTH);
        request(P2M_MMAP_FILEDecoder.TEMPLATE_ID, P2M_MMAP_FILEDecoder.BLOCK_LENGTH);
        request(P2M_MREMAPDecoder.TEMPLATE_ID, P2M_MREMAPDecoder.BLOCK_LENGTH);
        request(M2M_VMA_UPDATEDecoder.TEMPLATE_ID, M2M_VMA_UPDATEDecoder.BLOCK_LENGTH);
        request(M2M_PAGE_STOREDecoder.TEMPLATE_ID, M2M_PAGE_STOREDecoder.BLOCK_LENGTH);
        request(M2M_PROCESS_EXITDecoder.TEMPLATE_ID, M2M_PROCESS_EXITDecoder.BLOCK_LENGTH);
        request(P2G_FORK_PLACEDecoder.TEMPLATE_ID, P2G_FORK_PLACEDecoder.BLOCK_LENGTH);
        request(P2M_FORKDecoder.TEMPLATE_ID, P2M_FORKDecoder.BLOCK_LENGTH);
        request(M2M_FORKDecoder.TEMPLATE_ID, M2M_FORKDecoder.BLOCK_LENGTH);
        request(P2S_OPENDecoder.TEMPLATE_ID, P2S_OPENDecoder.BLOCK_LENGTH);
        request(P2S_READDecoder.TEMPLATE_ID, P2S_READDecoder.BLOCK_LENGTH);
        request(M2S_READDecoder.TEMPLATE_ID, M2S_READDecoder.BLOCK_LENGTH);
        request(P2S_WRITEDecoder.TEMPLATE_ID, P2S_WRITEDecoder.BLOCK_LENGTH);
        request(P2S_STATDecoder.TEMPLATE_ID, P2S_STATDecoder.BLOCK_LENGTH);
        request(P2S_TRUNCATEDecoder.TEMPLATE_ID, P2S_TRUNCATEDecoder.BLOCK_LENGTH);
        request(P2S_FSYNCDecoder.TEMPLATE_ID, P2S_FSYNCDecoder.BLOCK_LENGTH);
        request(C2P_EXECDecoder.TEMPLATE_ID, C2P_EXECDecoder.BLOCK_LENGTH);
        request(C2P_OUTPUT_POLLDecoder.TEMPLATE_ID, C2P_OUTPUT_POLLDecoder.BLOCK_LENGTH);
        request(C2P_STDINDecoder.TEMPLATE_ID, C2P_STDINDecoder.BLOCK_LENGTH);
        request(C2P_KILLDecoder.TEMPLATE_ID, C2P_KILLDecoder.BLOCK_LENGTH);
        request(P2G_PROCESS_LOOKUPDecoder.TEMPLATE_ID, P2G_PROCESS_LOOKUPDecoder.BLOCK_LENGTH);

        addMessagesAddedToSchema();
    }

    private RequestValidator()
    {
    }

    /** True if {@code templateId} is a request of the schema. */
    public static boolean isRequestTemplateId(final int templateId)
    {
        return REQUEST_BLOCK_LENGTHS.containsKey(templateId);
    }

    /** True if {@code templateId} is a reply of the schema. */
    public static boolean isReplyTemplateId(final int templateId)
    {
        return REPLY_TEMPLATE_IDS.contains(templateId);
    }

    /** True if {@code templateId} is a connection handshake message (X2X_AUTH_*). */
    public static boolean isHandshakeTemplateId(final int templateId)
    {
        return HANDSHAKE_TEMPLATE_IDS.contains(templateId);
    }

    /** A copy of the set of request template ids. */
    public static IntHashSet requestTemplateIds()
    {
        final IntHashSet copy = new IntHashSet();
        REQUEST_BLOCK_LENGTHS.keySet().forEach(copy::add);
        return copy;
    }

    /**
     * Checks the header of a request message; allocates only when the message is invalid.
     *
     * @param buffer holding the message at {@code [offset, offset+length)}.
     * @return null if valid, else a one-line reason for the ErrorReply EPROTO text.
     */
    public static String check(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return "message of " + length + " bytes is shorter than the " + MessageHeaderDecoder.ENCODED_LENGTH +
                "-byte header";
        }
        final int schemaId = buffer.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(),
            MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            return "schemaId " + schemaId + " is not " + MessageHeaderDecoder.SCHEMA_ID;
        }
        final int templateId = buffer.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(),
            MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        final int minBlockLength = REQUEST_BLOCK_LENGTHS.get(templateId);
        if (minBlockLength < 0)
        {
            return "templateId " + templateId + " is not a request";
        }
        final int blockLength = buffer.getShort(offset + MessageHeaderDecoder.blockLengthEncodingOffset(),
            MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        if (blockLength < minBlockLength || blockLength > length - MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return "templateId " + templateId + " has blockLength " + blockLength + " for a message of " + length +
                " bytes (minimum " + minBlockLength + ")";
        }
        return null;
    }

    private static void request(final int templateId, final int blockLength)
    {
        REQUEST_BLOCK_LENGTHS.put(templateId, blockLength);
    }

    private static void addMessagesAddedToSchema()
    {
        try (InputStream in = RequestValidator.class.getResourceAsStream(SCHEMA_RESOURCE))
        {
            if (in == null)
            {
                return;
            }
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            final DocumentBuilder builder = factory.newDocumentBuilder();
            final NodeList messages = builder.parse(in).getElementsByTagNameNS("*", "message");
            for (int i = 0; i < messages.getLength(); i++)
            {
                final Element message = (Element)messages.item(i);
                final int id = Integer.parseInt(message.getAttribute("id").trim());
                if (!REPLY_TEMPLATE_IDS.contains(id) && !HANDSHAKE_TEMPLATE_IDS.contains(id) &&
                    !REQUEST_BLOCK_LENGTHS.containsKey(id))
                {
                    REQUEST_BLOCK_LENGTHS.put(id, generatedBlockLength(message.getAttribute("name")));
                }
            }
        }
        catch (final Exception ex)
        {
            throw new ExceptionInInitializerError("cannot read " + SCHEMA_RESOURCE + ": " + ex);
        }
    }

    private static int generatedBlockLength(final String messageName)
    {
        try
        {
            final Class<?> decoder = Class.forName(
                MessageHeaderDecoder.class.getPackageName() + "." + messageName + "Decoder");
            return decoder.getField("BLOCK_LENGTH").getInt(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            return 0;
        }
    }
}
