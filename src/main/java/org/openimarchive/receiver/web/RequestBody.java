package org.openimarchive.receiver.web;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body whole, but never more than a limit: a declared Content-Length over
 * the limit is refused before a byte is read, and a body without one (chunked) is counted
 * while it is read and refused as soon as it passes the limit.
 */
final class RequestBody {

    /** The body is larger than the limit; {@link #bytes} is what is known of its size. */
    static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long bytes;

        TooLargeException(long bytes) {
            super(null, null, false, false);
            this.bytes = bytes;
        }

        /** The declared length, or the bytes read when the limit was passed. */
        long bytes() {
            return bytes;
        }
    }

    /** How much of a refused body is read and dropped so that the sender can read the refusal. */
    static final long SWALLOW_BYTES = 2L << 20;

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
     */
    static byte[] read(InputStream in, long declaredLength, int limit) throws IOException, TooLargeException {
        if (declaredLength > limit) {
            throw new TooLargeException(declaredLength);
        }
        if (declaredLength >= 0) {
            // grows as bytes arrive: a sender that declares a large body and stalls holds no large buffer
            return in.readNBytes((int) declaredLength);
        }
        // no length given: read in chunks, at most one byte past the limit
        byte[] body = in.readNBytes(limit + 1);
        if (body.length > limit) {
            throw new TooLargeException(body.length);
        }
        return body;
    }
}
