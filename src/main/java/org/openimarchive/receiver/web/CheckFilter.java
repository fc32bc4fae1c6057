package org.openimarchive.receiver.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A filter that checks one thing about a callback request: it passes the request on, or
 * refuses it on the {@link CallbackExchange} and stops the chain. It never answers itself:
 * {@link AuditFilter} records and answers every refusal.
 */
abstract class CheckFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private transient CallbackReceiver receiver;

    @Override
    public void init(FilterConfig config) {
        receiver = CallbackReceiver.of(config.getServletContext());
    }

    protected CallbackReceiver receiver() {
        return receiver;
    }

    @Override
    protected final void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (check(CallbackExchange.of(request))) {
            chain.doFilter(request, response);
        }
    }

    /** True to pass the request on; otherwise refuses it on the exchange and returns false. */
    abstract boolean check(CallbackExchange exchange);
}
