package org.openimarchive.receiver.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.openimarchive.receiver.callback.SingleMsgCallback;
import org.openimarchive.receiver.json.JsonText;

/**
 * Routes on the path as OpenIM sends it: {@code POST <url>/callbackAfterSendSingleMsgCommand}
 * (OpenIM 3.4.2 and later) or {@code POST <url>?command=callbackAfterSendSingleMsgCommand}
 * (3.0 to 3.4). Any other path or command gets 404, any other method 405. Other query
 * parameters are ignored.
 */
public final class CallbackRouteFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;
    private static final String COMMAND_PATH = "/" + SingleMsgCallback.COMMAND;

    public CallbackRouteFilter() {
        super(FilterChainOrder.ROUTE);
    }

    @Override
    boolean check(CallbackExchange exchange) {
        HttpServletRequest request = exchange.request();
        String notFound = checkPath(request);
        if (notFound != null) {
            exchange.refuse(Refusal.NOT_FOUND, notFound);
            return false;
        }
        if (!"POST".equals(request.getMethod())) {
            exchange.refuse(Refusal.METHOD_NOT_ALLOWED, "method " + JsonText.echo(request.getMethod()) + " is not allowed; use POST");
            return false;
        }
        return true;
    }

    /** Null when the path names this command, else why not. */
    static String checkPath(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.equals(COMMAND_PATH)) {
            return null;
        }
        if (path.isEmpty() || path.equals("/")) {
            String command = queryParameter(request.getQueryString(), "command");
            if (SingleMsgCallback.COMMAND.equals(command)) {
                return null;
            }
            return command == null
                    ? "no command; post to " + COMMAND_PATH.substring(1) + " or add ?command=" + SingleMsgCallback.COMMAND
                    : "command " + JsonText.echo(command) + " is not handled here";
        }
        return "path " + JsonText.echo(path) + " is not handled here; post to " + COMMAND_PATH.substring(1);
    }

    /**
     * The first value of a query parameter, decoded; parsed here rather than by the
     * container, which may throw on a malformed query string instead of ignoring it.
     */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                try {
                    return URLDecoder.decode(value, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return value;
                }
            }
        }
        return null;
    }
}
