package org.openimarchive.receiver.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reads a request body with the Servlet API's non-blocking I/O, so that a body that
 * trickles in or stalls holds a connection, not a container thread: the bytes are taken as
 * they come ({@link ReadListener}), within the limit (a body without a Content-Length is
 * counted while it is read; past the limit, up to {@link RequestBody#SWALLOW_BYTES} more are
 * read and dropped, so that a sender still sending gets the reply rather than a reset), and
 * within the deadline (the {@link AsyncContext}'s timeout). Once the body is whole, too large,
 * too slow or broken, the exchange is told, and the request goes back through the filter
 * chain ({@link AsyncContext#dispatch(String)}), where the rest of the checks and the audit filter
 * take it on. Thread-safe: the container may call it from any thread.
 */
final class AsyncBody implements ReadListener {

    private final CallbackExchange exchange;
    private final AsyncContext async;
    private final ServletInputStream in;
    private final long declaredLength;
    private final int limit;
    private final byte[] chunk = new byte[8192];
    private byte[] body;
    private int length;
    private long dropped;
    private boolean tooLarge;
    private boolean settled;

    private AsyncBody(CallbackExchange exchange, AsyncContext async, ServletInputStream in, long declaredLength, int limit,
                      byte[] arrived, int arrivedLength) {
        this.exchange = exchange;
        this.async = async;
        this.in = in;
        this.declaredLength = declaredLength;
        this.limit = limit;
        this.body = arrivedLength > 0 ? arrived
                : new byte[(int) Math.min(declaredLength >= 0 ? declaredLength : limit + 1L, chunk.length)];
        this.length = arrivedLength;
    }

    /**
     * Starts reading the body of the exchange's request off the request's thread, which then
     * returns to the container. When it cannot start, it throws with the request's asynchronous
     * cycle completed, so that only the caller's reply follows (the completion takes effect
     * when the request's thread returns to the container).
     *
     * @param arrived       the start of the body, already read (within the declared length), or empty
     * @param arrivedLength how many bytes of {@code arrived} it holds
     */
    static void start(CallbackExchange exchange, long declaredLength, int limit, Duration timeout, byte[] arrived,
                      int arrivedLength) throws IOException {
        AsyncContext async = exchange.request().startAsync();
        try {
            async.setTimeout(timeout.toMillis());
            ServletInputStream in = exchange.request().getInputStream();
            AsyncBody reader = new AsyncBody(exchange, async, in, declaredLength, limit, arrived, arrivedLength);
            async.addListener(new AsyncDeadline().on(reader::timedOut,
                    t -> reader.onError(t != null ? t : new IOException("the request failed"))));
            in.setReadListener(reader);
        } catch (IOException | RuntimeException e) {
            async.complete();
            throw e;
        }
    }

    @Override
    public synchronized void onDataAvailable() {
        try {
            while (!settled && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                take(n);
            }
        } catch (IOException e) {
            settle(null, e, false);
        }
    }

    /** Keeps {@code n} bytes of the chunk, or drops them past the limit. */
    private void take(int n) {
        if (tooLarge) {
            dropped += n;
            if (dropped > RequestBody.SWALLOW_BYTES) {
                // still sending after all that: the reply goes out, and the connection closes
                settle(new RequestBody.TooLargeException(limit + 1L), null, false);
            }
            return;
        }
        long max = declaredLength >= 0 ? declaredLength : limit + 1L;
        if (length + (long) n > max) {
            // more than the Content-Length said (the container should not let it happen), or past the limit
            tooLarge = declaredLength < 0;
            dropped = length + (long) n - max;
            n = (int) (max - length);
        }
        if (length + n > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(max, Math.max(2L * body.length, length + (long) n)));
        }
        System.arraycopy(chunk, 0, body, length, n);
        length += n;
        if (length > limit) {
            tooLarge = true;
        }
    }

    @Override
    public synchronized void onAllDataRead() {
        if (tooLarge) {
            settle(new RequestBody.TooLargeException(limit + 1L), null, true);
        } else if (!settled) {
            settled = true;
            exchange.bodyRead(Arrays.copyOf(body, length), null, null, true);
            async.dispatch(exchange.dispatchPath());
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        settle(null, t instanceof IOException io ? io : new IOException(t), false);
    }

    /** The deadline passed before the body was whole. */
    private synchronized void timedOut() {
        settle(tooLarge ? new RequestBody.TooLargeException(limit + 1L) : new RequestBody.TooSlowException(length), null,
                false);
    }

    /**
     * Tells the exchange how the body ended, once, and sends the request back through the
     * chain.
     *
     * @param toItsEnd whether the body was read to its end: if not, the connection is not kept
     */
    private void settle(RequestBody.RefusedException refused, IOException failure, boolean toItsEnd) {
        if (settled) {
            return;
        }
        settled = true;
        exchange.bodyRead(null, refused, failure, toItsEnd);
        async.dispatch(exchange.dispatchPath());
    }
}
