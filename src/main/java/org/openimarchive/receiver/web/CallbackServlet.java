package org.openimarchive.receiver.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The callback endpoint. It is mapped to every path of the application but the operator
 * endpoints ({@code /stats}, {@code /metrics}, {@code /health}), so that the filter chain of
 * web.xml ({@link FilterChainOrder}: audit, source allowlist, route, content type, body size,
 * JSON-B binding) sees every request. A request that reaches it has
 * passed every check: it accepts the bound callback, and {@link AuditFilter} records and
 * acknowledges it.
 *
 * <p>It is also web.xml's error page: what the container itself refuses inside this
 * application (a malformed or protected path) is answered in the same JSON shape, never
 * with the container's HTML page.
 */
// "/*", not "/": a path prefix beats the containers' *.jsp mapping and Undertow's
// welcome-file redirect of the bare context path, so every path reaches the filter chain
@WebServlet(name = CallbackServlet.NAME, urlPatterns = "/*")
public final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The name that web.xml's filter mappings refer to. */
    public static final String NAME = "callback";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            sendContainerError(request, response);
        } else {
            CallbackExchange exchange = CallbackExchange.of(request);
            exchange.enter(FilterChainOrder.SERVLET);
            exchange.accept();
        }
    }

    private static void sendContainerError(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        Refusal refusal = Refusal.ofStatus(status);
        byte[] body = Reply.error(status, refusal != null ? refusal.phrase() : "request refused",
                "refused by the servlet container");
        response.resetBuffer();
        JsonReplies.send(response, status, body);
    }
}
