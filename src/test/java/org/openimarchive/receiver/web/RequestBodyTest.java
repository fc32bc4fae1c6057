package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    /** A stream that fails the test if it is read at all. */
    private static final InputStream UNREADABLE = new InputStream() {
        @Override
        public int read() {
            throw new AssertionError("a body over the declared limit must not be read");
        }
    };

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void readsADeclaredBody() throws Exception {
        assertArrayEquals(bytes(1000), RequestBody.read(new ByteArrayInputStream(bytes(1000)), 1000, 1024));
        assertArrayEquals(bytes(1024), RequestBody.read(new ByteArrayInputStream(bytes(1024)), 1024, 1024));
    }

    @Test
    void refusesADeclaredLengthOverTheLimitWithoutReading() {
        assertEquals(1025, assertThrows(RequestBody.TooLargeException.class,
                () -> RequestBody.read(UNREADABLE, 1025, 1024)).bytes());
    }

    @Test
    void readsAnUndeclaredBodyUpToTheLimit() throws Exception {
        assertArrayEquals(bytes(1024), RequestBody.read(new ByteArrayInputStream(bytes(1024)), -1, 1024));
        assertArrayEquals(new byte[0], RequestBody.read(new ByteArrayInputStream(new byte[0]), -1, 1024));
    }

    @Test
    void refusesAnUndeclaredBodyOneBytePastTheLimitAndStopsReading() {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes(100_000));
        assertEquals(1025, assertThrows(RequestBody.TooLargeException.class,
                () -> RequestBody.read(in, -1, 1024)).bytes());
        assertEquals(100_000 - 1025, in.available());
    }

    @Test
    void swallowsWhatIsLeftUpToALimit() {
        assertEquals(true, RequestBody.swallow(new ByteArrayInputStream(bytes(5000)), 5000));
        assertEquals(false, RequestBody.swallow(new ByteArrayInputStream(bytes(5001)), 5000));
    }

    @Test
    void aBodyShorterThanDeclaredIsWhatArrived() throws Exception {
        assertArrayEquals(bytes(10), RequestBody.read(new ByteArrayInputStream(bytes(10)), 20, 1024));
    }
}
