package org.openimarchive.receiver.bench;

import jakarta.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.InvalidCallbackException;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.core.Receiver;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Prints the figures the statistics promise: how fast a million audit records are counted
 * again, how soon a receiver started over them serves and how soon its statistics are
 * complete (reading every file, then from the summaries), and how much heap the statistics
 * take for ten million distinct users over thirty days. Run with {@code mvn -B test-compile exec:exec@replay-benchmark} (see
 * README); the JVM it forks has the heap the README states.
 */
public final class ReplayBenchmark {

    private static final int RECORDS = 1_000_000;
    private static final int USERS = 10_000_000;
    private static final int DAYS = 30;

    public static void main(String[] args) throws Exception {
        Instant now = Instant.now();
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        // one provider: Json.createObjectBuilder() would look one up at every call
        jakarta.json.spi.JsonProvider json = new org.eclipse.parsson.JsonProviderImpl();
        JsonObject template = json.createReader(new StringReader(
                new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8))).readObject();
        System.out.printf("JVM %s, max heap %d MiB, %d cores%n", System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        Path dir = Files.createTempDirectory("replay-benchmark");
        try {
            long bytes = writeAuditFiles(dir, json, template, now);
            System.out.printf("wrote %,d records (%,d MiB uncompressed) in 10 rolled .gz files and audit.jsonl%n",
                    RECORDS, bytes >> 20);
            for (int run = 1; run <= 3; run++) {
                Statistics statistics = new Statistics(ZoneOffset.UTC, DAYS, clock);
                long start = System.nanoTime();
                AuditReplay.Result result = new AuditReplay().replay(dir, statistics);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("replay run %d: %,d records from %d files in %.2f s: %,.0f records/s%n",
                        run, result.records(), result.files(), seconds, result.records() / seconds);
            }
            // what a start costs now: serving at once, counting in the background
            for (String run : new String[] {"first start (no summaries)", "restart (summaries)"}) {
                Map<String, String> params = Map.of(ReceiverConfig.AUDIT_DIR, dir.toString());
                long start = System.nanoTime();
                Receiver receiver = Receiver.start(ReceiverConfig.load(params::get, params.keySet(), name -> null, Set.of()),
                        "/replay-benchmark", clock);
                double serving = (System.nanoTime() - start) / 1e6;
                while (!receiver.statistics().progress().complete()) {
                    Thread.sleep(10);
                }
                double complete = (System.nanoTime() - start) / 1e9;
                receiver.stop();
                System.out.printf("receiver %s: serving after %.0f ms, statistics complete after %.2f s%n", run, serving,
                        complete);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }

        long baseline = usedHeapAfterGc();
        Statistics statistics = new Statistics(ZoneOffset.UTC, DAYS, clock);
        Random random = new Random(1);
        long start = System.nanoTime();
        for (int i = 0; i < USERS; i++) {
            // every message from a new user, to one of a million others, spread over thirty days
            long sendTime = now.minusSeconds(random.nextInt(DAYS * 86_400)).toEpochMilli();
            MsgCallback msg = new MsgCallback("user-" + i, MessageKind.SINGLE.command(), "m" + i, "c" + i, "op",
                    5, "", 1, 100, 101, 1, sendTime, sendTime, "hello", 1, null, "", "",
                    "user-" + random.nextInt(1_000_000), null);
            statistics.countAccepted(now, msg, false);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long used = usedHeapAfterGc() - baseline;
        String doc = statistics.toJson();
        JsonObject users = json.createReader(new StringReader(doc)).readObject().getJsonObject("total").getJsonObject("users");
        System.out.printf("%,d messages from %,d distinct senders over %d days counted in %.1f s;"
                        + " statistics heap after GC: %,d MiB; total users estimated %s%n",
                USERS, USERS, DAYS, seconds, used >> 20, users);
    }

    private static long writeAuditFiles(Path dir, jakarta.json.spi.JsonProvider json, JsonObject template, Instant now)
            throws IOException, InvalidCallbackException {
        CallbackParser parser = new CallbackParser();
        AuditLineFormat format = new AuditLineFormat(ContentMode.FULL);
        Random random = new Random(2);
        long bytes = 0;
        int perFile = RECORDS / 11;
        Writer out = null;
        for (int i = 0; i < RECORDS; i++) {
            int file = Math.min(i / perFile, 10);
            if (i % perFile == 0 && file <= 10 && (i == 0 || file != Math.min((i - 1) / perFile, 10))) {
                if (out != null) {
                    out.close();
                }
                out = file < 10
                        ? new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(
                                dir.resolve("audit-2026-01-01-" + (file + 1) + ".jsonl.gz")), 1 << 16), StandardCharsets.UTF_8))
                        : Files.newBufferedWriter(dir.resolve("audit.jsonl"));
            }
            Instant time = now.minusSeconds(random.nextInt(DAYS * 86_400));
            JsonObject msg = json.createObjectBuilder(template).add("serverMsgID", "m" + i)
                    .add("sendID", "user-" + random.nextInt(200_000)).add("recvID", "user-" + random.nextInt(200_000))
                    .add("sendTime", time.toEpochMilli()).build();
            ParsedCallback callback = parser.parse(msg.toString().getBytes(StandardCharsets.UTF_8));
            String line = format.accepted(time, "10.0.0.1", "op-" + i, callback);
            out.write(line);
            out.write('\n');
            bytes += line.length() + 1;
        }
        out.close();
        return bytes;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
