package org.openimarchive.receiver.web;

import java.io.IOException;
import org.openimarchive.receiver.config.ReceiverConfig;

/**
 * Reads the body whole within {@code callback.maxBodyBytes}, refusing with 413 a declared
 * Content-Length over the limit before reading, and a chunked body as soon as it passes it;
 * and within {@code callback.bodyTimeoutSeconds}, refusing with 408 a body that trickles in
 * or stalls. The body is read without holding a container thread ({@link AsyncBody}): this
 * filter starts the reading and stops the chain; the request comes back through the chain
 * when the body is there, and this filter passes it on, or refuses it.
 */
public final class BodySizeFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;

    public BodySizeFilter() {
        super(FilterChainOrder.BODY_SIZE);
    }

    @Override
    boolean check(CallbackExchange exchange) {
        if (exchange.bodyState() == CallbackExchange.BodyState.NOT_READ) {
            try {
                exchange.startReadingBody();
            } catch (IOException | IllegalStateException e) {
                // the container would not read it asynchronously
                exchange.bodyRead(null, null, e instanceof IOException io ? io : new IOException(e), false);
            }
            if (exchange.awaitingBody()) {
                receiver().metrics().bodyAwaited();
                return false; // read off this thread: the chain goes on when the body is there
            }
        }
        try {
            exchange.body();
            return true;
        } catch (RequestBody.RefusedException e) {
            if (e instanceof RequestBody.TooSlowException) {
                exchange.refuse(Refusal.BODY_TOO_SLOW, "body not received whole within " + ReceiverConfig.BODY_TIMEOUT_SECONDS
                        + " (" + receiver().config().bodyTimeout().toSeconds() + " s): " + e.bytes() + " bytes arrived");
            } else {
                exchange.refuse(Refusal.BODY_TOO_LARGE, "body is over " + ReceiverConfig.MAX_BODY_BYTES + " ("
                        + receiver().config().maxBodyBytes() + " bytes)");
            }
            return false;
        } catch (IOException e) {
            exchange.refuse(Refusal.INVALID_CALLBACK, "body could not be read whole");
            return false;
        }
    }
}
