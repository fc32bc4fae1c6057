package org.openimarchive.receiver.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The {@code /stats} document once the receiver has counted every audit file that was there
 * when it started ({@code "complete":true}), which it does in the background after a start.
 */
final class CompleteStats {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private CompleteStats() {
    }

    /**
     * Asks {@code fetch} for the document until it is complete.
     *
     * @throws AssertionError when it is not complete within {@link #TIMEOUT}
     */
    static JsonObject await(Callable<String> fetch) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonObject doc = Json.createReader(new StringReader(fetch.call())).readObject();
            if (doc.getBoolean("complete")) {
                return doc;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("/stats not complete within " + TIMEOUT + ": " + doc);
            }
            Thread.sleep(50);
        }
    }
}
