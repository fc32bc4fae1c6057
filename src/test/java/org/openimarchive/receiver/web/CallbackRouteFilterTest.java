package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openimarchive.receiver.config.PathTokens;
import org.openimarchive.receiver.config.ReceiverConfig;

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

    private static String command(String path, String query, PathTokens tokens) {
        return CallbackRouteFilter.route(path, query, tokens).command();
    }

    @Test
    void everyCommandOnEitherUrlFormIsRouted() {
        assertEquals("callbackAfterSendSingleMsgCommand", command("/callbackAfterSendSingleMsgCommand", null, null));
        assertEquals("callbackAfterSendGroupMsgCommand", command("", "command=callbackAfterSendGroupMsgCommand", null));
        assertEquals("callbackAfterSendGroupMsgCommand", command("/", "key=x&command=callbackAfterSendGroupMsgCommand", null));
        assertEquals("CallbackAfterJoinGroupCommand", command("/CallbackAfterJoinGroupCommand", null, null));
        for (String path : List.of("/", "", "/x.jsp", "/callbackAfterSendSingleMsgCommand/extra", "/callbackCommand",
                "/callback-x-Command", "/callbackAfterSendSingleMsgCommand.jspx", "/" + "callback" + "x".repeat(97) + "Command")) {
            assertNull(command(path, null, null), path);
        }
        assertEquals("no command; post to callbackAfterSendSingleMsgCommand or add ?command=callbackAfterSendSingleMsgCommand",
                CallbackRouteFilter.route("/", null, null).notFound());
        assertEquals("command %zz is not handled here", CallbackRouteFilter.route("", "command=%zz", null).notFound());
    }

    @Test
    void withTokensOnlyAPathBehindOneOfThemIsRoutedAndNoRefusalRepeatsOne() {
        String token = "first-token-0123456789";
        PathTokens tokens = tokens(token + "," + "second-token-0123456789");
        assertEquals("callbackAfterSendSingleMsgCommand", command("/" + token + "/callbackAfterSendSingleMsgCommand", null, tokens));
        assertEquals("callbackUserOnlineCommand", command("/second-token-0123456789", "command=callbackUserOnlineCommand", tokens));
        assertEquals("callbackUserOnlineCommand", command("/" + token + "/", "command=callbackUserOnlineCommand", tokens));
        for (String path : List.of("/callbackAfterSendSingleMsgCommand", "", "/", "/" + token.substring(1) + "/callbackXCommand",
                "/x/" + token + "/callbackAfterSendSingleMsgCommand", "/" + token + "/callbackXCommand/more")) {
            CallbackRouteFilter.Route route = CallbackRouteFilter.route(path, null, tokens);
            assertNull(route.command(), path);
            assertFalse(route.notFound().contains(token), route.notFound());
        }
        assertNull(command("/callbackAfterSendSingleMsgCommand", "command=callbackAfterSendSingleMsgCommand", tokens));
        assertEquals("command *** is not handled here", CallbackRouteFilter.route("/" + token, "command=" + token, tokens).notFound());
    }

    @Test
    void aTokenLongerThanARefusalQuotesIsNotCutIntoIt() {
        String token = "long-token-" + "0123456789".repeat(11);
        String refusal = CallbackRouteFilter.route("/" + token + "/callbackXCommand/more", null, tokens(token)).notFound();
        assertEquals("path /***/callbackXCommand/more is not handled here; post to callbackAfterSendSingleMsgCommand", refusal);
    }

    private static PathTokens tokens(String text) {
        Map<String, String> params = Map.of(ReceiverConfig.PATH_TOKEN, text,
                ReceiverConfig.AUDIT_DIR, System.getProperty("java.io.tmpdir"));
        return ReceiverConfig.load(params::get, params.keySet(), name -> null, Set.of()).pathTokens();
    }
}
