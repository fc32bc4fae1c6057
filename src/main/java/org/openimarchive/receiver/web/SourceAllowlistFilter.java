package org.openimarchive.receiver.web;

import jakarta.servlet.FilterConfig;
import org.openimarchive.receiver.config.ReceiverConfig;

/**
 * Refuses with 403 a request whose {@code getRemoteAddr()} is not in
 * {@code callback.allowedSources}. Headers such as {@code X-Forwarded-For} are never read:
 * behind a proxy, let the container set the remote address (Tomcat's RemoteIpValve) only
 * for proxies it trusts.
 */
public final class SourceAllowlistFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;

    public SourceAllowlistFilter() {
        super(FilterChainOrder.SOURCE_ALLOWLIST);
    }

    private transient ThrottledWarning refusals;

    @Override
    public void init(FilterConfig config) {
        super.init(config);
        refusals = new ThrottledWarning(receiver().operations());
    }

    @Override
    boolean check(CallbackExchange exchange) {
        String remoteAddr = exchange.request().getRemoteAddr();
        if (receiver().config().allowedSources().allows(remoteAddr)) {
            return true;
        }
        refusals.warn("Refused a callback from " + remoteAddr + ": not in " + ReceiverConfig.ALLOWED_SOURCES);
        exchange.refuse(Refusal.SOURCE_NOT_ALLOWED,
                "source address " + remoteAddr + " is not in " + ReceiverConfig.ALLOWED_SOURCES);
        return false;
    }
}
