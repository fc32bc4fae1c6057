package org.openimarchive.receiver.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.config.PathTokens;
import org.openimarchive.receiver.core.Receiver;

/**
 * First in the chain, and the only place that answers: it lets the other filters and the
 * servlet decide, then writes exactly one audit record for the request, accepted, passed
 * or refused, and only after that record is written sends the reply. A record that cannot be
 * written turns the reply into 503, so nothing is acknowledged that is not on disk.
 */
public final class AuditFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private transient Receiver receiver;
    private transient ThrottledWarning auditFailures;

    @Override
    public void init(FilterConfig config) {
        receiver = ReceiverLifecycle.receiver(config.getServletContext());
        auditFailures = new ThrottledWarning(receiver.operations());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
        CallbackExchange exchange;
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // back from reading the body off the request's thread: the chain goes on
            exchange = CallbackExchange.of(request);
            exchange.restartChain();
        } else {
            exchange = new CallbackExchange(receiver.clock().instant(), request, receiver.config().maxBodyBytes(),
                    receiver.config().bodyTimeout());
            request.setAttribute(CallbackExchange.ATTRIBUTE, exchange);
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            receiver.operations().error("Unexpected failure while handling a callback", e);
            exchange.refuse(Refusal.INTERNAL_ERROR, "the receiver failed; see its log");
        }
        if (exchange.awaitingBody() && exchange.refusal() == null) {
            return; // the body arrives off this thread; the request comes back through the chain
        }
        int status;
        AuditRecord.Outcome outcome;
        if (exchange.isAccepted()) {
            status = finishAccepted(exchange, response);
            outcome = AuditRecord.Outcome.ACCEPTED;
        } else if (exchange.isPassed()) {
            status = finishPassed(exchange, response);
            outcome = AuditRecord.Outcome.PASSED;
        } else {
            outcome = AuditRecord.Outcome.REJECTED;
            if (exchange.refusal() == null) {
                receiver.operations().error("A request left the filter chain neither accepted nor refused");
                exchange.refuse(Refusal.INTERNAL_ERROR, "the receiver failed; see its log");
            }
            status = finishRefused(exchange, response);
        }
        receiver.metrics().request(status == 200 ? outcome : AuditRecord.Outcome.REJECTED, status,
                System.nanoTime() - exchange.startNanos());
    }

    /** Records, then answers; returns the status sent. */
    private int finishAccepted(CallbackExchange exchange, HttpServletResponse response) {
        HttpServletRequest request = exchange.request();
        MsgCallback callback = exchange.callback().callback();
        boolean duplicate;
        try {
            duplicate = receiver.recorder().accepted(exchange.receivedAt(), request.getRemoteAddr(),
                    operationID(request, callback.operationID()), exchange.callback());
        } catch (AuditWriteException e) {
            return auditUnavailable(e, response);
        }
        receiver.metrics().message(callback.contentType(), duplicate);
        send(response, 200, Reply.success());
        return 200;
    }

    /** Records another webhook, then answers it with the neutral reply; returns the status sent. */
    private int finishPassed(CallbackExchange exchange, HttpServletResponse response) {
        HttpServletRequest request = exchange.request();
        try {
            receiver.recorder().passed(exchange.receivedAt(), request.getRemoteAddr(), operationID(request, null),
                    exchange.command(), exchange.body());
        } catch (AuditWriteException e) {
            return auditUnavailable(e, response);
        } catch (IOException | RequestBody.RefusedException e) {
            // the body size filter read the body whole before the exchange was passed
            throw new IllegalStateException(FilterChainOrder.MESSAGE, e);
        }
        send(response, 200, Reply.success());
        return 200;
    }

    /** Records, then answers; returns the status sent. */
    private int finishRefused(CallbackExchange exchange, HttpServletResponse response) {
        HttpServletRequest request = exchange.request();
        Refusal refusal = exchange.refusal();
        // the body as far as it was read: a refusal before the body (a source not allowed, an
        // unknown command, a wrong method or content type) reads none of it
        long declared = request.getContentLengthLong();
        Long bodyBytes = null;
        String bodySha256 = null;
        byte[] body = exchange.bodyIfRead();
        RequestBody.RefusedException refusedBody = exchange.refusedBody();
        if (body != null) {
            bodyBytes = (long) body.length;
            bodySha256 = AuditLineFormat.sha256Hex(body);
        } else if (refusedBody != null) {
            bodyBytes = refusedBody.bytes();
        } else if (exchange.bodyState() != CallbackExchange.BodyState.DONE) {
            bodyBytes = declared >= 0 ? declared : null;
        }
        // else the sender went away while sending, or sent what could not be read: not known whole
        try {
            receiver.recorder().refused(new RejectedRequest(
                    exchange.receivedAt(),
                    refusal.status(),
                    request.getRemoteAddr(),
                    operationID(request, exchange.bodyOperationID()),
                    request.getMethod(),
                    uri(exchange, receiver.config().pathTokens()),
                    exchange.detail(),
                    bodyBytes,
                    bodySha256));
        } catch (AuditWriteException e) {
            return auditUnavailable(e, response);
        }
        if (refusal == Refusal.METHOD_NOT_ALLOWED) {
            response.setHeader("Allow", "POST");
        }
        boolean unread = exchange.hasUnreadBody();
        if (refusal == Refusal.BODY_TOO_SLOW || unread) {
            // nothing waits for a body the receiver will not use: the connection ends with the reply
            response.setHeader("Connection", "close");
        }
        // before it closes, what is left of a body not read is drained, within bounds and without
        // a thread, so that a sender still sending reads the reply rather than a reset; not that
        // of a source not allowed, nor one too large to be worth it
        long drain = !unread || refusal == Refusal.SOURCE_NOT_ALLOWED || refusal == Refusal.BODY_TOO_SLOW
                || declared > RequestBody.SWALLOW_BYTES ? 0 : RequestBody.SWALLOW_BYTES;
        byte[] reply = Reply.error(refusal, exchange.detail());
        if (unread && !exchange.bodyReadStarted() && request.isAsyncSupported()) {
            try {
                BodyDrain.replyThenDrain(exchange, drain, receiver.config().bodyTimeout(),
                        () -> send(response, refusal.status(), reply));
                return refusal.status();
            } catch (IOException | IllegalStateException e) {
                // the container gives no non-blocking reads: it drains as it does
            }
        }
        send(response, refusal.status(), reply);
        return refusal.status();
    }


    /** Nothing is acknowledged that is not written: 503. */
    private int auditUnavailable(AuditWriteException e, HttpServletResponse response) {
        auditFailures.warn("Answered 503: " + e.getMessage());
        receiver.metrics().auditWriteFailed();
        send(response, Refusal.AUDIT_UNAVAILABLE.status(),
                Reply.error(Refusal.AUDIT_UNAVAILABLE, "the audit record could not be written"));
        return Refusal.AUDIT_UNAVAILABLE.status();
    }

    private static void send(HttpServletResponse response, int status, byte[] body) {
        try {
            JsonReplies.send(response, status, body);
        } catch (IOException e) {
            // the caller has gone; its record is written, there is nobody left to answer
        }
    }

    /** The {@code operationID} header (OpenIM sends it as {@code Operationid}), else the body's. */
    private static String operationID(HttpServletRequest request, String fromBody) {
        String header = request.getHeader("operationID");
        return header != null ? header : fromBody;
    }

    /**
     * The request's URI as received; with path tokens, its decoded path and query with every
     * token replaced by {@code ***}, so that no record holds a token in any encoding.
     */
    private static String uri(CallbackExchange exchange, PathTokens tokens) {
        String query = exchange.queryString();
        if (tokens == null) {
            return query == null ? exchange.requestUri() : exchange.requestUri() + "?" + query;
        }
        String path = exchange.contextPath() + exchange.path();
        return tokens.redact(query == null ? path : path + "?" + decoded(query));
    }

    /**
     * The URI of the request an error page answers, as the container hands it over: with path
     * tokens, decoded, every token replaced by {@code ***}.
     */
    static String errorPageUri(HttpServletRequest request, PathTokens tokens) {
        String uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String original
                ? original : request.getRequestURI();
        return tokens == null ? uri : tokens.redact(decoded(uri));
    }

    /** Percent-decoded, {@code +} kept; as received when it is not well encoded (the container's 400 for that). */
    private static String decoded(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
