package org.openimarchive.receiver.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.core.Receiver;
import org.openimarchive.receiver.json.JsonText;

/**
 * Lets only {@code callback.adminSources} read {@code /stats} and {@code /metrics}, which
 * reveal who talks to whom. Matched on {@code getRemoteAddr()} alone, like the callbacks.
 */
public final class AdminSourceFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private transient Receiver receiver;
    private transient ThrottledWarning refusals;

    @Override
    public void init(FilterConfig config) {
        receiver = ReceiverLifecycle.receiver(config.getServletContext());
        refusals = new ThrottledWarning(receiver.operations());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String remoteAddr = request.getRemoteAddr();
        if (receiver.config().adminSources().allows(remoteAddr)) {
            chain.doFilter(request, response);
            return;
        }
        refusals.warn("Refused " + request.getMethod() + " " + request.getRequestURI() + " from " + remoteAddr
                + ": not in " + ReceiverConfig.ADMIN_SOURCES);
        StringBuilder json = new StringBuilder("{\"error\":");
        JsonText.appendString(json, "source address " + remoteAddr + " is not in " + ReceiverConfig.ADMIN_SOURCES);
        JsonReplies.send(response, 403, json.append('}').toString());
    }
}
