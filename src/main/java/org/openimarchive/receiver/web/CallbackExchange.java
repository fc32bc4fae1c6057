package org.openimarchive.receiver.web;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.openimarchive.receiver.callback.ParsedCallback;

/**
 * One request on its way through the filter chain: created by {@link AuditFilter}, which
 * turns what the other filters and the servlet decided into the audit record and the reply.
 * A request ends either accepted (a bound callback) or refused (a {@link Refusal} and its
 * detail). Confined to the request's thread.
 */
final class CallbackExchange {

    static final String ATTRIBUTE = CallbackExchange.class.getName();

    private final Instant receivedAt;
    private final HttpServletRequest request;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;

    private byte[] body;
    private RequestBody.RefusedException refusedBody;
    private IOException readFailure;
    private ParsedCallback callback;
    private boolean accepted;
    private Refusal refusal;
    private String detail;
    private String bodyOperationID;
    private FilterChainOrder stage = FilterChainOrder.AUDIT;

    CallbackExchange(Instant receivedAt, HttpServletRequest request, int maxBodyBytes, Duration bodyTimeout) {
        this.receivedAt = receivedAt;
        this.request = request;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyTimeout = bodyTimeout;
    }

    static CallbackExchange of(ServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof CallbackExchange exchange) {
            return exchange;
        }
        throw new IllegalStateException(FilterChainOrder.MESSAGE + " (" + FilterChainOrder.AUDIT.filterName()
                + " did not run first)");
    }

    /**
     * Moves the exchange on to {@code next}, which must follow the stage it is at.
     *
     * @throws IllegalStateException naming the expected order, when web.xml's chain has another
     */
    void enter(FilterChainOrder next) {
        if (next.previous() != stage) {
            throw new IllegalStateException(FilterChainOrder.MESSAGE + " (" + next.filterName() + " ran after "
                    + stage.filterName() + ")");
        }
        stage = next;
    }

    Instant receivedAt() {
        return receivedAt;
    }

    HttpServletRequest request() {
        return request;
    }

    /**
     * The whole body, read once within {@code callback.maxBodyBytes} and
     * {@code callback.bodyTimeoutSeconds}; a failure is final too.
     */
    byte[] body() throws IOException, RequestBody.RefusedException {
        if (refusedBody != null) {
            throw refusedBody;
        }
        if (readFailure != null) {
            throw readFailure;
        }
        if (body == null) {
            try {
                body = RequestBody.read(request.getInputStream(), request.getContentLengthLong(), maxBodyBytes,
                        bodyTimeout, System::nanoTime);
            } catch (RequestBody.RefusedException e) {
                refusedBody = e;
                throw e;
            } catch (IOException e) {
                readFailure = e;
                throw e;
            }
        }
        return body;
    }

    /** Ends the exchange as refused, unless it was already decided. */
    void refuse(Refusal refusal, String detail) {
        if (this.refusal == null && !accepted) {
            this.refusal = refusal;
            this.detail = detail;
        }
    }

    void refuse(Refusal refusal, String detail, String bodyOperationID) {
        refuse(refusal, detail);
        this.bodyOperationID = bodyOperationID;
    }

    /** The callback that the JSON-B binding filter made of the body. */
    void bound(ParsedCallback callback) {
        this.callback = callback;
    }

    /** Ends the exchange as accepted; the callback must have been bound. */
    void accept() {
        if (callback == null) {
            throw new IllegalStateException("no bound callback to accept");
        }
        if (refusal == null) {
            accepted = true;
        }
    }

    boolean isAccepted() {
        return accepted;
    }

    ParsedCallback callback() {
        return callback;
    }

    /** The refusal, or null while none was made. */
    Refusal refusal() {
        return refusal;
    }

    String detail() {
        return detail;
    }

    String bodyOperationID() {
        return bodyOperationID;
    }
}
