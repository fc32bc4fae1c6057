package org.openimarchive.receiver.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.callback.ParsedCallback;

/**
 * First in the chain, and the only place that answers: it lets the other filters and the
 * servlet decide, then writes exactly one audit record for the request, accepted or
 * refused, and only after that record is written sends the reply. A record that cannot be
 * written turns the reply into 503, so nothing is acknowledged that is not on disk.
 */
public final class AuditFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final String JSON = "application/json";

    private transient CallbackReceiver receiver;

    @Override
    public void init(FilterConfig config) {
        receiver = CallbackReceiver.of(config.getServletContext());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
        CallbackExchange exchange = new CallbackExchange(
                receiver.clock().instant(), request, receiver.config().maxBodyBytes());
        request.setAttribute(CallbackExchange.ATTRIBUTE, exchange);
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            receiver.operations().error("Unexpected failure while handling a callback", e);
            exchange.refuse(Refusal.INTERNAL_ERROR, "the receiver failed; see its log");
        }
        if (exchange.isAccepted()) {
            finishAccepted(exchange, response);
        } else {
            if (exchange.refusal() == null) {
                receiver.operations().error("A request left the filter chain neither accepted nor refused");
                exchange.refuse(Refusal.INTERNAL_ERROR, "the receiver failed; see its log");
            }
            finishRefused(exchange, response);
        }
    }

    private void finishAccepted(CallbackExchange exchange, HttpServletResponse response) {
        HttpServletRequest request = exchange.request();
        ParsedCallback callback = exchange.callback();
        String operationID = operationID(request, callback.callback().operationID());
        String line = receiver.format().accepted(
                exchange.receivedAt(), request.getRemoteAddr(), operationID, callback.json());
        if (write(line, response)) {
            send(response, 200, Reply.success());
        }
    }

    private void finishRefused(CallbackExchange exchange, HttpServletResponse response) {
        HttpServletRequest request = exchange.request();
        Refusal refusal = exchange.refusal();
        Long bodyBytes = null;
        String bodySha256 = null;
        try {
            byte[] body = exchange.body();
            bodyBytes = (long) body.length;
            bodySha256 = AuditLineFormat.sha256Hex(body);
        } catch (RequestBody.TooLargeException e) {
            bodyBytes = e.bytes();
        } catch (IOException e) {
            // the sender went away while sending: what was read is not known whole
        }
        String line = receiver.format().rejected(new RejectedRequest(
                exchange.receivedAt(),
                refusal.status(),
                request.getRemoteAddr(),
                operationID(request, exchange.bodyOperationID()),
                request.getMethod(),
                uri(request),
                exchange.detail(),
                bodyBytes,
                bodySha256));
        if (!write(line, response)) {
            return;
        }
        if (refusal == Refusal.METHOD_NOT_ALLOWED) {
            response.setHeader("Allow", "POST");
        }
        if (refusal == Refusal.BODY_TOO_LARGE) {
            // the rest of the body is not read: do not make the container wait for it
            response.setHeader("Connection", "close");
        }
        send(response, refusal.status(), Reply.error(refusal, exchange.detail()));
    }

    /** Writes the record; on failure answers 503 and returns false. */
    private boolean write(String line, HttpServletResponse response) {
        try {
            receiver.auditLog().write(line);
            return true;
        } catch (AuditWriteException e) {
            receiver.operations().warn("Answered 503: {}", e.getMessage());
            send(response, Refusal.AUDIT_UNAVAILABLE.status(),
                    Reply.error(Refusal.AUDIT_UNAVAILABLE, "the audit record could not be written"));
            return false;
        }
    }

    private static void send(HttpServletResponse response, int status, byte[] body) {
        response.setStatus(status);
        response.setContentType(JSON);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        } catch (IOException e) {
            // the caller has gone; its record is written, there is nobody left to answer
        }
    }

    /** The {@code operationID} header (OpenIM sends it as {@code Operationid}), else the body's. */
    private static String operationID(HttpServletRequest request, String fromBody) {
        String header = request.getHeader("operationID");
        return header != null ? header : fromBody;
    }

    private static String uri(HttpServletRequest request) {
        String query = request.getQueryString();
        return query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
    }
}
