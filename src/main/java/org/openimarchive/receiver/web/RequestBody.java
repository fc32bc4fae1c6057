package org.openimarchive.receiver.web;

/**
 * How a request body is refused before it was read whole ({@link AsyncBody} reads it): too
 * large (a declared Content-Length over the limit, before a byte is read; a body without one
 * as soon as it passes it) or too slow (not whole by the deadline).
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

    /** How much of a body too large is read and dropped so that the sender can read the refusal. */
    static final long SWALLOW_BYTES = 2L << 20;

    private RequestBody() {
    }
}
