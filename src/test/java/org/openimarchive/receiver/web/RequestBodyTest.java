package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    /** A stream that fails the test if it is read at all. */
    private static final InputStream UNREADABLE = new InputStream() {
        @Override
        public int read() {
            throw new AssertionError("a body over the declared limit must not be read");
        }
    };

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    /** Reads with a clock that never moves: no deadline can pass. */
    private static byte[] read(InputStream in, long declaredLength, int limit) throws Exception {
        return RequestBody.read(in, declaredLength, limit, TEN_SECONDS, () -> 0L);
    }

    /**
     * A sender that trickles: each read returns one byte and takes a second on the fake
     * clock; after {@code failAfter} bytes a read throws {@code failure} instead.
     */
    private static final class Trickle extends InputStream {
        final AtomicLong clock = new AtomicLong();
        private final int length;
        private final int failAfter;
        private final IOException failure;
        private int sent;

        Trickle(int length, int failAfter, IOException failure) {
            this.length = length;
            this.failAfter = failAfter;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            clock.addAndGet(ONE_SECOND);
            if (sent == failAfter) {
                throw failure;
            }
            return sent < length ? sent++ & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }

        byte[] readWithin(long declaredLength, Duration timeout) throws Exception {
            return RequestBody.read(this, declaredLength, 1024, timeout, clock::get);
        }
    }

    private static final long ONE_SECOND = 1_000_000_000L;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void readsADeclaredBody() throws Exception {
        assertArrayEquals(bytes(1000), read(new ByteArrayInputStream(bytes(1000)), 1000, 1024));
        assertArrayEquals(bytes(1024), read(new ByteArrayInputStream(bytes(1024)), 1024, 1024));
    }

    @Test
    void refusesADeclaredLengthOverTheLimitWithoutReading() {
        assertEquals(1025, assertThrows(RequestBody.TooLargeException.class,
                () -> read(UNREADABLE, 1025, 1024)).bytes());
    }

    @Test
    void readsAnUndeclaredBodyUpToTheLimit() throws Exception {
        assertArrayEquals(bytes(1024), read(new ByteArrayInputStream(bytes(1024)), -1, 1024));
        assertArrayEquals(new byte[0], read(new ByteArrayInputStream(new byte[0]), -1, 1024));
    }

    @Test
    void refusesAnUndeclaredBodyOneBytePastTheLimitAndStopsReading() {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes(100_000));
        assertEquals(1025, assertThrows(RequestBody.TooLargeException.class,
                () -> read(in, -1, 1024)).bytes());
        assertEquals(100_000 - 1025, in.available());
    }

    @Test
    void swallowsWhatIsLeftUpToALimit() {
        assertEquals(true, RequestBody.swallow(new ByteArrayInputStream(bytes(5000)), 5000));
        assertEquals(false, RequestBody.swallow(new ByteArrayInputStream(bytes(5001)), 5000));
    }

    @Test
    void aBodyShorterThanDeclaredIsWhatArrived() throws Exception {
        assertArrayEquals(bytes(10), read(new ByteArrayInputStream(bytes(10)), 20, 1024));
    }

    @Test
    void aBodyTricklingPastTheDeadlineIsRefusedAtTheFirstReadAfterIt() {
        // one byte a second against 10 s: the 11th byte ends 11 s in, the body is 20 bytes
        Trickle declared = new Trickle(20, -1, null);
        assertEquals(11, assertThrows(RequestBody.TooSlowException.class,
                () -> declared.readWithin(20, TEN_SECONDS)).bytes());
        assertEquals(11 * ONE_SECOND, declared.clock.get());
        Trickle chunked = new Trickle(20, -1, null);
        assertEquals(11, assertThrows(RequestBody.TooSlowException.class,
                () -> chunked.readWithin(-1, TEN_SECONDS)).bytes());
    }

    @Test
    void aBodyWholeByTheDeadlineIsRead() throws Exception {
        // chunked: the 10th byte arrives 10 s in, at the deadline and not past it; then the end
        assertArrayEquals(bytes(10), new Trickle(10, -1, null).readWithin(-1, TEN_SECONDS));
        // declared: the last byte may come past the deadline (11 s in): nothing is left to wait for
        assertArrayEquals(bytes(11), new Trickle(11, -1, null).readWithin(11, TEN_SECONDS));
    }

    @Test
    void theContainersReadTimeoutIsABodyTooSlow() {
        assertEquals(3, assertThrows(RequestBody.TooSlowException.class, () -> new Trickle(20, 3,
                new SocketTimeoutException("Read timed out")).readWithin(20, TEN_SECONDS)).bytes());
        assertEquals(4, assertThrows(RequestBody.TooSlowException.class, () -> new Trickle(20, 4,
                new IOException(new TimeoutException("Idle timeout expired"))).readWithin(20, TEN_SECONDS)).bytes());
    }

    @Test
    void aReadFailingAfterTheDeadlineIsABodyTooSlowAndBeforeItAFailure() {
        // the 11th read fails 11 s in
        IOException reset = new IOException("Connection reset");
        assertEquals(10, assertThrows(RequestBody.TooSlowException.class,
                () -> new Trickle(20, 10, reset).readWithin(20, TEN_SECONDS)).bytes());
        assertEquals(reset, assertThrows(IOException.class,
                () -> new Trickle(20, 10, reset).readWithin(20, Duration.ofSeconds(11))));
    }
}
