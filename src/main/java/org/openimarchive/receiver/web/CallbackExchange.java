package org.openimarchive.receiver.web;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.ParsedCallback;

/**
 * One request on its way through the filter chain: created by {@link AuditFilter}, which
 * turns what the other filters and the servlet decided into the audit record and the reply.
 * A request ends accepted (a message callback, bound), passed (another webhook, answered with
 * the neutral reply) or refused (a {@link Refusal} and its detail). Its body is read off the
 * request's thread ({@link AsyncBody}); the exchange then goes through the chain again, on
 * the async dispatch. Used by one thread at a time.
 */
final class CallbackExchange {

    static final String ATTRIBUTE = CallbackExchange.class.getName();
    /** The largest body read on the request's thread as far as it has arrived; a larger one is read as it comes. */
    static final int READ_AT_ONCE_MAX = 64 << 10;
    private static final byte[] NOTHING = new byte[0];

    private final Instant receivedAt;
    private final HttpServletRequest request;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;
    private final String requestUri;
    private final String queryString;
    private final String contextPath;
    private final String path;

    private final long startNanos = System.nanoTime();
    private volatile BodyState bodyState = BodyState.NOT_READ;
    private volatile boolean bodyReadToItsEnd;
    private volatile boolean bodyReadStarted;
    private boolean awaitingBody;
    private byte[] body;
    private RequestBody.RefusedException refusedBody;
    private IOException readFailure;
    private ParsedCallback callback;
    private String command;
    private MessageKind messageKind;
    private boolean accepted;
    private boolean passed;
    private Refusal refusal;
    private String detail;
    private String bodyOperationID;
    private FilterChainOrder stage = FilterChainOrder.AUDIT;

    CallbackExchange(Instant receivedAt, HttpServletRequest request, int maxBodyBytes, Duration bodyTimeout) {
        this.receivedAt = receivedAt;
        this.request = request;
        // as received: a dispatch after the body is read may show the request other paths
        this.requestUri = request.getRequestURI();
        this.queryString = request.getQueryString();
        this.contextPath = request.getContextPath();
        this.path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
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

    /** Where the body is: not read, being read off the request's thread, or read (or refused, or failed). */
    enum BodyState { NOT_READ, READING, DONE }

    /**
     * Where the request goes back through the chain once its body is read: its path within
     * the application, {@code /} for the bare context path (which a container cannot
     * dispatch to by its empty name). The route is not found again.
     */
    String dispatchPath() {
        return path.isEmpty() ? "/" : path;
    }

    /** The request's URI as received, without its query string. */
    String requestUri() {
        return requestUri;
    }

    /** The request's query string as received, or null. */
    String queryString() {
        return queryString;
    }

    /** The request's path within the application as received (decoded), empty for the bare context path. */
    String path() {
        return path;
    }

    String contextPath() {
        return contextPath;
    }

    /** When the filter chain started on the request, as {@link System#nanoTime}. */
    long startNanos() {
        return startNanos;
    }

    /**
     * Starts reading the body, within {@code callback.maxBodyBytes} and
     * {@code callback.bodyTimeoutSeconds}, without holding the request's thread: a declared
     * Content-Length over the limit is refused before a byte is read, a body of up to
     * {@value #READ_AT_ONCE_MAX} bytes that has all arrived is taken at once, and any other is
     * read as it comes ({@link AsyncBody}), from what had arrived; the request then comes back
     * through the chain once the body has been read, or refused.
     */
    void startReadingBody() throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            bodyRead(null, new RequestBody.TooLargeException(declared), null, false);
            return;
        }
        if (declared == 0) {
            bodyRead(new byte[0], null, null, true);
            return;
        }
        byte[] arrived = NOTHING;
        int length = 0;
        if (declared > 0 && declared <= READ_AT_ONCE_MAX) {
            // what has arrived is taken on this thread, without a dispatch: usually all of it
            // (OpenIM sends a body of a few KB with its headers)
            arrived = new byte[(int) declared];
            length = readArrived(request.getInputStream(), arrived);
            if (length == declared) {
                bodyRead(arrived, null, null, true);
                return;
            }
        }
        bodyState = BodyState.READING;
        bodyReadStarted = true;
        AsyncBody.start(this, declared, maxBodyBytes, bodyTimeout, arrived, length);
        awaitingBody = true;
    }

    /**
     * Reads into {@code into} what can be read without waiting: no more than the stream says
     * is available at each step. (Tomcat says 1 before the first read, however much it holds.)
     *
     * @return how many bytes were read
     */
    private static int readArrived(ServletInputStream in, byte[] into) throws IOException {
        int length = 0;
        for (int ready; length < into.length && (ready = in.available()) > 0; ) {
            int n = in.read(into, length, Math.min(ready, into.length - length));
            if (n < 0) {
                break;
            }
            length += n;
        }
        return length;
    }

    /**
     * Whether the chain left the body to be read off its thread ({@link #startReadingBody}):
     * it must stop and leave the exchange alone until the request comes back on the async
     * dispatch. Unlike {@link #bodyState()}, which the reader may set to {@code DONE} on another
     * thread before the chain has stopped, it is written and read only by the thread that runs
     * the chain.
     */
    boolean awaitingBody() {
        return awaitingBody;
    }

    /** How the body ended: its bytes, or why not. */
    void bodyRead(byte[] bytes, RequestBody.RefusedException refused, IOException failure, boolean toItsEnd) {
        this.body = bytes;
        this.refusedBody = refused;
        this.readFailure = failure;
        this.bodyReadToItsEnd = toItsEnd;
        this.bodyState = BodyState.DONE;
    }

    BodyState bodyState() {
        return bodyState;
    }

    /** Whether reading the body started (it is in non-blocking mode): what is left of it is the reader's. */
    boolean bodyReadStarted() {
        return bodyReadStarted;
    }

    /**
     * Whether the request may have more of its body on the connection: one was announced
     * and not read to its end. Its connection then closes with the reply, rather than wait
     * for bytes the receiver will not use.
     */
    boolean hasUnreadBody() {
        boolean announced = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        return announced && !bodyReadToItsEnd;
    }

    /**
     * The whole body, once it has been read ({@link #startReadingBody}).
     *
     * @throws RequestBody.RefusedException too large or too slow
     * @throws IOException the sender went away, or sent what could not be read
     * @throws IllegalStateException before the body was read
     */
    byte[] body() throws IOException, RequestBody.RefusedException {
        if (bodyState != BodyState.DONE) {
            throw new IllegalStateException(FilterChainOrder.MESSAGE + " (the body was not read)");
        }
        if (refusedBody != null) {
            throw refusedBody;
        }
        if (readFailure != null) {
            throw readFailure;
        }
        return body;
    }

    /** The body's bytes if it was read whole, else null. */
    byte[] bodyIfRead() {
        return bodyState == BodyState.DONE && refusedBody == null && readFailure == null ? body : null;
    }

    /** Why the body was refused (too large, too slow) before it was read whole, else null. */
    RequestBody.RefusedException refusedBody() {
        return bodyState == BodyState.DONE ? refusedBody : null;
    }

    /** The exchange goes through the chain again, on the async dispatch that follows the body's reading. */
    void restartChain() {
        stage = FilterChainOrder.AUDIT;
        awaitingBody = false;
    }

    /** Ends the exchange as refused, unless it was already decided. */
    void refuse(Refusal refusal, String detail) {
        if (this.refusal == null && !accepted && !passed) {
            this.refusal = refusal;
            this.detail = detail;
        }
    }

    void refuse(Refusal refusal, String detail, String bodyOperationID) {
        refuse(refusal, detail);
        this.bodyOperationID = bodyOperationID;
    }

    /** The command the request names, as the route filter found it. */
    void route(String command) {
        this.command = command;
        this.messageKind = MessageKind.ofCommand(command);
    }

    /** The command routed to, or null before routing. */
    String command() {
        return command;
    }

    /** The message callback routed to, or null for another webhook (or before routing). */
    MessageKind messageKind() {
        return messageKind;
    }

    /** Whether the request is another webhook than the message callbacks: passed on unread. */
    boolean isOtherWebhook() {
        return command != null && messageKind == null;
    }

    /** The callback that the JSON-B binding filter made of the body. */
    void bound(ParsedCallback callback) {
        this.callback = callback;
    }

    /**
     * Ends the exchange as accepted, a message callback whose callback must have been bound,
     * or as passed, another webhook.
     */
    void accept() {
        if (refusal != null) {
            return;
        }
        if (isOtherWebhook()) {
            passed = true;
        } else if (callback == null) {
            throw new IllegalStateException("no bound callback to accept");
        } else {
            accepted = true;
        }
    }

    boolean isAccepted() {
        return accepted;
    }

    boolean isPassed() {
        return passed;
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
