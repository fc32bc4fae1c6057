package org.openimarchive.receiver.bench;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.ContentMode;

/**
 * Prints what the hash chain adds to each record: the time to format a record, and to format
 * and seal it with SHA-256 and with HMAC-SHA256, single-threaded (the recorder seals one
 * record at a time). Run with {@code mvn -B test-compile exec:exec@chain-benchmark}.
 */
public final class ChainBenchmark {

    private static final int RECORDS = 1_000_000;

    public static void main(String[] args) {
        JsonProvider json = new org.eclipse.parsson.JsonProviderImpl();
        JsonObject msg = json.createReader(new StringReader(
                new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8))).readObject();
        AuditLineFormat format = new AuditLineFormat(ContentMode.FULL);
        Instant time = Instant.now();
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        for (int round = 1; round <= 3; round++) {
            long sink = 0;
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                sink += format.accepted(time, "10.0.0.1", "op", msg, false).length();
            }
            double formatNs = (System.nanoTime() - start) / (double) RECORDS;
            double sha = seal(format, msg, time, null);
            double hmac = seal(format, msg, time, key);
            System.out.printf("round %d: format %.0f ns/record; format + SHA-256 seal %.0f ns (+%.0f); format + HMAC seal %.0f ns (+%.0f)%s%n",
                    round, formatNs, sha, sha - formatNs, hmac, hmac - formatNs, sink == 42 ? "!" : "");
        }
    }

    private static double seal(AuditLineFormat format, JsonObject msg, Instant time, byte[] key) {
        AuditChain chain = new AuditChain(key, 0, AuditChain.GENESIS);
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < RECORDS; i++) {
            AuditChain.Sealed sealed = chain.seal(format.accepted(time, "10.0.0.1", "op", msg, false));
            chain.advance(sealed);
            sink += sealed.line().length();
        }
        return (System.nanoTime() - start) / (double) RECORDS + (sink == 42 ? 1 : 0);
    }
}
