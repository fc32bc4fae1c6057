package org.openimarchive.receiver.web;

import java.io.IOException;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.InvalidCallbackException;

/**
 * Binds the body of a message callback through {@link CallbackParser} (JSON-B), with the
 * rules of its command, refusing with 400 and the parser's reason a body that is not a valid
 * callback. Another webhook is passed on unbound.
 */
public final class JsonBindingFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;

    public JsonBindingFilter() {
        super(FilterChainOrder.JSON_BINDING);
    }

    @Override
    boolean check(CallbackExchange exchange) {
        try {
            if (exchange.isOtherWebhook()) {
                return true; // passed on unbound: its record holds the body as read
            }
            exchange.bound(receiver().parser().parse(exchange.body(), exchange.messageKind()));
            return true;
        } catch (InvalidCallbackException e) {
            exchange.refuse(Refusal.INVALID_CALLBACK, e.getMessage(), e.operationID());
            return false;
        } catch (IOException | RequestBody.RefusedException e) {
            // the body size filter ran just before and read the body whole
            throw new IllegalStateException(FilterChainOrder.MESSAGE, e);
        }
    }
}
