package org.openimarchive.receiver.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The callback endpoint. It is mapped to every path of the application that no other
 * servlet claims, so that the filter chain of web.xml (allowlist, route, content type,
 * body size, JSON-B binding, audit) sees every request and no container error page is
 * ever sent. A request that reaches it has passed every check: it accepts the bound
 * callback, and {@link AuditFilter} records and acknowledges it.
 */
@WebServlet(name = CallbackServlet.NAME, urlPatterns = "/")
public final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The name that web.xml's filter mappings refer to. */
    public static final String NAME = "callback";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        CallbackExchange.of(request).accept();
    }
}
