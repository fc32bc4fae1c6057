package org.openimarchive.receiver.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Reads a request body whole, but never more than a limit and never for longer than a
 * deadline: a declared Content-Length over the limit is refused before a byte is read, a
 * body without one (chunked) is counted while it is read and refused as soon as it passes
 * the limit, and a body still incomplete when a read returns after the deadline is refused
 * as too slow. A read that blocks is bounded by the container's own read timeout, not here.
 */
final class RequestBody {

    /** A body refused before it was read to its end; {@link #bytes} is what is known of its size. */
    abstract static sealed class RefusedException extends Exception permits TooLargeException, TooSlowException {
        private static final long serialVersionUID = 1L;
        private final long bytes;

        RefusedException(long bytes) {
            super(null, null, false, false);
            this.bytes = bytes;
        }

        long bytes() {
            return bytes;
        }
    }

    /** The body is larger than the limit: the declared length, or the bytes read when the limit was passed. */
    static final class TooLargeException extends RefusedException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long bytes) {
            super(bytes);
        }
    }

    /** The body did not arrive whole within the deadline: the bytes that had arrived. */
    static final class TooSlowException extends RefusedException {
        private static final long serialVersionUID = 1L;

        TooSlowException(long bytes) {
            super(bytes);
        }
    }

    /** How much of a refused body is read and dropped so that the sender can read the refusal. */
    static final long SWALLOW_BYTES = 2L << 20;
    /** The first buffer; it doubles as bytes arrive, up to the declared length or the limit. */
    private static final int CHUNK = 8192;

    private RequestBody() {
    }

    /**
     * Reads and drops what is left of a refused body, up to {@code max} bytes, as Tomcat's
     * maxSwallowSize does: a server that closes the connection while the client is still
     * sending makes many clients lose the reply to a reset.
     *
     * @return true when the body ended within {@code max} bytes: the connection can be kept
     */
    static boolean swallow(InputStream in, long max) {
        byte[] buffer = new byte[8192];
        long left = max;
        try {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return true;
                }
                left -= n;
            }
            return in.read() < 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param declaredLength the Content-Length, or -1 when none was sent
     * @param timeout        how long the whole body may take, from the first read
     * @param nanoTime       the clock, as {@link System#nanoTime}
     * @throws IOException when a read fails before the deadline, other than by the container's read timeout
     */
    static byte[] read(InputStream in, long declaredLength, int limit, Duration timeout, LongSupplier nanoTime)
            throws IOException, RefusedException {
        if (declaredLength > limit) {
            throw new TooLargeException(declaredLength);
        }
        // no length given: at most one byte past the limit
        int max = declaredLength >= 0 ? (int) declaredLength : limit + 1;
        long start = nanoTime.getAsLong();
        // grows as bytes arrive: a sender that declares a large body and stalls holds no large buffer
        byte[] body = new byte[Math.min(max, CHUNK)];
        int n = 0;
        while (n < max) {
            if (n == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(max, 2L * body.length));
            }
            int read;
            try {
                read = in.read(body, n, body.length - n);
            } catch (IOException e) {
                if (isReadTimeout(e) || nanoTime.getAsLong() - start > timeout.toNanos()) {
                    throw new TooSlowException(n);
                }
                throw e;
            }
            if (read < 0) {
                break;
            }
            n += read;
            if (n < max && nanoTime.getAsLong() - start > timeout.toNanos()) {
                throw new TooSlowException(n);
            }
        }
        if (declaredLength < 0 && n > limit) {
            throw new TooLargeException(n);
        }
        return n == body.length ? body : Arrays.copyOf(body, n);
    }

    /** The container gave up waiting for the next bytes: Tomcat's connectionTimeout, Jetty's idleTimeout. */
    private static boolean isReadTimeout(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
