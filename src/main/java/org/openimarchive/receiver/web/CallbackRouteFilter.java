package org.openimarchive.receiver.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.config.PathTokens;
import org.openimarchive.receiver.json.JsonText;

/**
 * Routes on the path as OpenIM sends it: {@code POST <url>/<command>} (OpenIM 3.4.2 and
 * later) or {@code POST <url>?command=<command>} (3.0 to 3.4), where {@code <url>} is the
 * context path, followed by {@code /<token>} when {@code callback.pathToken} is set. OpenIM
 * posts every webhook it has enabled to the one URL: the two message commands are bound and
 * recorded as messages ({@link MessageKind}); any other command is passed with the neutral
 * reply. A path that names no command, or lacks the token, gets 404; a method other than
 * POST 405. Other query parameters are ignored.
 */
public final class CallbackRouteFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;
    private static final String COMMAND_PATH = "/" + MessageKind.SINGLE.command();
    /** What OpenIM's webhook commands look like: callback...Command, some with a capital C. */
    private static final Pattern COMMAND = Pattern.compile("[Cc]allback[A-Za-z0-9]{1,96}Command");

    public CallbackRouteFilter() {
        super(FilterChainOrder.ROUTE);
    }

    @Override
    boolean check(CallbackExchange exchange) {
        if (exchange.command() != null) {
            return true; // routed before its body was read: a dispatch does not route again
        }
        HttpServletRequest request = exchange.request();
        PathTokens tokens = receiver().config().pathTokens();
        Route route = route(exchange.path(), exchange.queryString(), tokens);
        if (route.command() == null) {
            exchange.refuse(Refusal.NOT_FOUND, route.notFound());
            return false;
        }
        if (!"POST".equals(request.getMethod())) {
            exchange.refuse(Refusal.METHOD_NOT_ALLOWED, "method " + JsonText.echo(request.getMethod()) + " is not allowed; use POST");
            return false;
        }
        exchange.route(route.command());
        return true;
    }

    /**
     * Where a request goes.
     *
     * @param command  the command it names, or null
     * @param notFound why it names none
     */
    record Route(String command, String notFound) {
    }

    /**
     * The command that {@code path} (within the application) and the query name, behind the
     * token when {@code tokens} is not null; a refusal quotes the request with every token
     * replaced by {@code ***}.
     */
    static Route route(String path, String query, PathTokens tokens) {
        String rest = path;
        if (tokens != null) {
            int end = path.indexOf('/', 1);
            String first = path.isEmpty() ? "" : path.substring(1, end < 0 ? path.length() : end);
            if (!tokens.matches(first)) {
                return new Route(null, "path " + echo(path, tokens) + " is not handled here");
            }
            rest = end < 0 ? "" : path.substring(end);
        }
        if (rest.isEmpty() || rest.equals("/")) {
            String command = queryParameter(query, "command");
            if (command == null) {
                return new Route(null, "no command; post to " + COMMAND_PATH.substring(1) + " or add ?command="
                        + MessageKind.SINGLE.command());
            }
            return COMMAND.matcher(command).matches()
                    ? new Route(command, null)
                    : new Route(null, "command " + echo(command, tokens) + " is not handled here");
        }
        String segment = rest.substring(1);
        if (COMMAND.matcher(segment).matches()) {
            return new Route(segment, null);
        }
        return new Route(null, "path " + echo(path, tokens) + " is not handled here; post to " + COMMAND_PATH.substring(1));
    }

    /** {@code text} as a refusal may quote it: tokens replaced before it is cut to length. */
    private static String echo(String text, PathTokens tokens) {
        return JsonText.echo(tokens == null ? text : tokens.redact(text));
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
