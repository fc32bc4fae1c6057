package org.openimarchive.receiver.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.openimarchive.receiver.core.Receiver;

/**
 * A filter that checks one thing about a callback request: it passes the request on, or
 * refuses it on the {@link CallbackExchange} and stops the chain. It never answers itself:
 * {@link AuditFilter} records and answers every refusal.
 */
abstract class CheckFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private final FilterChainOrder stage;
    private transient Receiver receiver;

    /** @param stage where the filter stands in web.xml's chain */
    CheckFilter(FilterChainOrder stage) {
        this.stage = stage;
    }

    @Override
    public void init(FilterConfig config) {
        receiver = ReceiverLifecycle.receiver(config.getServletContext());
    }

    protected Receiver receiver() {
        return receiver;
    }

    @Override
    protected final void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        CallbackExchange exchange = CallbackExchange.of(request);
        exchange.enter(stage);
        if (check(exchange)) {
            chain.doFilter(request, response);
        }
    }

    /** True to pass the request on; otherwise refuses it on the exchange and returns false. */
    abstract boolean check(CallbackExchange exchange);
}
