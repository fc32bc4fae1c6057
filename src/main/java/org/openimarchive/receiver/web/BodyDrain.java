package org.openimarchive.receiver.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * What follows the reply to a request refused before its body was read: the body is left
 * where it is, or drained, never with a container thread. A container drains what is left of
 * a body it hands to no one as it would read it for the application, blocking: a thread per
 * stalled sender, until its read timeout. In non-blocking mode it takes what is there and
 * closes. So the request is put in non-blocking mode and, when asked, what is left of the body
 * (up to {@link RequestBody#SWALLOW_BYTES}, within the body's deadline) is read and dropped
 * before the connection closes, so that a sender still sending reads the reply rather than a
 * reset (a lingering close). Thread-safe.
 */
final class BodyDrain implements ReadListener {

    private final AsyncContext async;
    private final ServletInputStream in;
    private final long max;
    private final byte[] chunk = new byte[8192];
    private long drained;
    private boolean done;

    private BodyDrain(AsyncContext async, ServletInputStream in, long max) {
        this.async = async;
        this.in = in;
        this.max = max;
    }

    /**
     * Sends the reply of a refused request, then drops up to {@code max} bytes of what is left
     * of its body (0: none, the connection closes) off the request's thread.
     *
     * @param reply writes the reply
     */
    static void replyThenDrain(CallbackExchange exchange, long max, Duration deadline, Runnable reply) throws IOException {
        AsyncContext async = exchange.request().startAsync();
        BodyDrain drain;
        ServletInputStream in;
        try {
            async.setTimeout(deadline.toMillis());
            in = exchange.request().getInputStream();
            drain = new BodyDrain(async, in, max);
            async.addListener(new AsyncDeadline().on(drain::finish, t -> drain.finish()));
        } catch (IOException | RuntimeException e) {
            async.complete(); // the caller replies, on the request's thread
            throw e;
        }
        reply.run();
        try {
            in.setReadListener(drain);
        } catch (IllegalStateException e) {
            drain.finish(); // replied: the container ends the request as it does
            return;
        }
        if (max == 0) {
            drain.finish();
        }
    }

    @Override
    public synchronized void onDataAvailable() {
        try {
            while (!done && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                drained += n;
                if (drained > max) {
                    finish(); // more than is worth reading: the connection closes
                }
            }
        } catch (IOException e) {
            finish();
        }
    }

    @Override
    public void onAllDataRead() {
        finish();
    }

    @Override
    public void onError(Throwable t) {
        finish();
    }

    /** Gives the request back to the container, once. */
    private synchronized void finish() {
        if (!done) {
            done = true;
            async.complete();
        }
    }
}
