package org.legoemu.fabric.transport;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.ErrorReplyDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_MISSDecoder;
import org.legoemu.fabric.sbe.P2S_FSYNCDecoder;
import org.legoemu.fabric.sbe.S2X_DATADecoder;
import org.legoemu.fabric.sbe.S2X_DIR_ENTRIESDecoder;
import org.legoemu.fabric.sbe.X2G_REGISTERDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_HELLODecoder;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestValidatorTest
{
    @Test
    void requestsAndRepliesAreTold()
    {
        assertTrue(RequestValidator.isRequestTemplateId(X2G_REGISTERDecoder.TEMPLATE_ID));
        assertTrue(RequestValidator.isRequestTemplateId(P2M_PCACHE_MISSDecoder.TEMPLATE_ID));
        assertTrue(RequestValidator.isRequestTemplateId(P2S_FSYNCDecoder.TEMPLATE_ID));
        assertFalse(RequestValidator.isRequestTemplateId(ErrorReplyDecoder.TEMPLATE_ID));
        assertFalse(RequestValidator.isRequestTemplateId(AckDecoder.TEMPLATE_ID));
        assertFalse(RequestValidator.isRequestTemplateId(S2X_DATADecoder.TEMPLATE_ID));
        assertTrue(RequestValidator.isReplyTemplateId(S2X_DATADecoder.TEMPLATE_ID));
        assertFalse(RequestValidator.isRequestTemplateId(S2X_DIR_ENTRIESDecoder.TEMPLATE_ID), "a reply");
        assertTrue(RequestValidator.isReplyTemplateId(S2X_DIR_ENTRIESDecoder.TEMPLATE_ID));
        assertFalse(RequestValidator.isRequestTemplateId(9999));
        assertFalse(RequestValidator.isRequestTemplateId(X2X_AUTH_HELLODecoder.TEMPLATE_ID));
        assertFalse(RequestValidator.isReplyTemplateId(X2X_AUTH_HELLODecoder.TEMPLATE_ID));
        assertTrue(RequestValidator.isHandshakeTemplateId(X2X_AUTH_HELLODecoder.TEMPLATE_ID));
        assertTrue(RequestValidator.requestTemplateIds().size() >= 27);
    }

    @Test
    void validRequestPassesAndEachHeaderDefectIsReported()
    {
        final int[] length = new int[1];
        final ExpandableArrayBuffer request = TestMessages.request(TestMessages.ECHO, 1, length);
        assertNull(RequestValidator.check(request, 0, length[0]));

        assertNotNull(RequestValidator.check(request, 0, MessageHeaderDecoder.ENCODED_LENGTH - 1));
        assertNotNull(RequestValidator.check(request, 0, length[0] - 1));

        final ExpandableArrayBuffer badSchema = TestMessages.request(TestMessages.ECHO, 1, length);
        badSchema.putShort(MessageHeaderDecoder.schemaIdEncodingOffset(), (short)1, MessageHeaderDecoder.BYTE_ORDER);
        assertNotNull(RequestValidator.check(badSchema, 0, length[0]));

        final ExpandableArrayBuffer badTemplate = TestMessages.request(TestMessages.ECHO, 1, length);
        badTemplate.putShort(MessageHeaderDecoder.templateIdEncodingOffset(), (short)AckDecoder.TEMPLATE_ID,
            MessageHeaderDecoder.BYTE_ORDER);
        assertNotNull(RequestValidator.check(badTemplate, 0, length[0]));

        final ExpandableArrayBuffer smallBlock = TestMessages.request(TestMessages.ECHO, 1, length);
        smallBlock.putShort(MessageHeaderDecoder.blockLengthEncodingOffset(), (short)1,
            MessageHeaderDecoder.BYTE_ORDER);
        assertNotNull(RequestValidator.check(smallBlock, 0, length[0]));
    }
}
