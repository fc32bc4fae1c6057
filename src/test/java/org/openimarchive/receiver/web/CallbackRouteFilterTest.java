package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CallbackRouteFilterTest {

    @Test
    void findsTheCommandAmongOtherParameters() {
        assertEquals("callbackAfterSendSingleMsgCommand", CallbackRouteFilter.queryParameter(
                "contenttype=json&command=callbackAfterSendSingleMsgCommand&key=eyJ9", "command"));
        assertEquals("a b", CallbackRouteFilter.queryParameter("command=a+b", "command"));
        assertEquals("", CallbackRouteFilter.queryParameter("command", "command"));
        assertNull(CallbackRouteFilter.queryParameter("commander=x", "command"));
        assertNull(CallbackRouteFilter.queryParameter(null, "command"));
    }

    @Test
    void keepsAMalformedEscapeAsItIs() {
        assertEquals("%zz", CallbackRouteFilter.queryParameter("command=%zz", "command"));
    }
}
