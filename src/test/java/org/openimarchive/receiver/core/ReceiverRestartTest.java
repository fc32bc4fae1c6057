package org.openimarchive.receiver.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditVerifier;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.config.ReceiverConfig;

/**
 * A receiver stopped and started again over the audit files it wrote, with small files that
 * roll often: {@code /stats} counted again (from the rolled files' summaries, or by reading
 * files without one) is what it was, to the last estimated digit; and the start reads no
 * more than the end of the newest file before it serves.
 */
class ReceiverRestartTest {

    @TempDir
    Path dir;

    private final CallbackParser parser = new CallbackParser();
    private Receiver running;

    @AfterEach
    void stopRunning() {
        if (running != null) {
            running.stop();
        }
    }

    private Receiver start() {
        Map<String, String> params = Map.of(ReceiverConfig.AUDIT_DIR, dir.toString(),
                ReceiverConfig.AUDIT_MAX_FILE_SIZE, "256 KB");
        running = Receiver.start(ReceiverConfig.load(params::get, params.keySet(), name -> null, Set.of()), "/restart-test",
                Clock.systemUTC());
        return running;
    }

    private void stop() {
        running.stop();
        running = null;
    }

    /** {@code n} messages from {@code n} senders (more than a sketch holds exactly), some to groups, some twice. */
    private void send(Receiver receiver, int from, int n) throws Exception {
        String text = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8);
        for (int i = from; i < from + n; i++) {
            Instant now = Instant.now();
            String body = text.replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", "m" + (i % 7 == 0 ? i - 1 : i))
                    .replace("\"sendID\":\"10000\"", "\"sendID\":\"user-" + i + "\"")
                    .replace("1746797848316", Long.toString(now.toEpochMilli()));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            var parsed = i % 5 == 0 ? parser.parse(Fixtures.asGroup(bytes), MessageKind.GROUP) : parser.parse(bytes);
            receiver.recorder().accepted(now, "127.0.0.1", "op-" + i, parsed);
        }
    }

    private static String stats(Receiver receiver) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!receiver.statistics().progress().complete()) {
            assertTrue(System.nanoTime() < deadline, "statistics not complete after 60 s");
            Thread.sleep(20);
        }
        return receiver.statistics().toJson().replaceFirst("\"generatedAt\":\"[^\"]+\",", "");
    }

    private List<Path> summaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(AuditFiles.SUMMARY_SUFFIX)).sorted().toList();
        }
    }

    @Test
    void statisticsAfterARestartAreWhatTheyWereWithOrWithoutSummaries() throws Exception {
        Receiver first = start();
        send(first, 0, 12_000);
        String before = stats(first);
        assertTrue(before.contains("\"exact\":false"), "estimates, not only exact counts, are compared: " + before);
        int rolled = AuditFiles.rolled(dir).size();
        assertTrue(rolled > 10, "files rolled: " + rolled);
        assertEquals(rolled, summaries().size(), "one summary for each file rolled while running");
        stop();

        // the active file is rolled at the start, then counted and summarised in the background
        assertEquals(before, stats(start()));
        assertEquals(rolled + 1, summaries().size());
        stop();

        // from summaries alone, then without any
        assertEquals(before, stats(start()));
        stop();
        for (Path summary : summaries()) {
            Files.delete(summary);
        }
        assertEquals(before, stats(start()));
        stop();

        // a summary damaged, or of other contents than its file's, is not used
        Path summary = summaries().get(3);
        try (RandomAccessFile file = new RandomAccessFile(summary.toFile(), "rw")) {
            file.seek(file.length() / 2);
            file.write(file.read() ^ 0xff);
        }
        Files.copy(summaries().get(5), summaries().get(6), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(before, stats(start()));

        // and what comes after a restart is counted on top, the chain unbroken
        send(running, 12_000, 500);
        String after = stats(running);
        assertTrue(after.contains("\"messages\":" + countOf(before, "messages", 12_000, 500)), after);
        stop();
        AuditVerifier.Report report = new AuditVerifier(null).verify(dir, lines -> { });
        assertTrue(report.intact(), report.toString());
    }

    /** The messages /stats shows after {@code added} more, none of them a duplicate or a notification. */
    private static long countOf(String before, String key, int from, int added) {
        int at = before.indexOf("\"total\":{\"" + key + "\":") + ("\"total\":{\"" + key + "\":").length();
        long counted = Long.parseLong(before.substring(at, before.indexOf(',', at)));
        long duplicates = 0;
        for (int i = from; i < from + added; i++) {
            duplicates += i % 7 == 0 ? 1 : 0;
        }
        return counted + added - duplicates;
    }

    /** The messages of {@link #send} from 0 to {@code n}: every seventh repeats the one before. */
    private static long messagesOf(int n) {
        return n - (n - 1) / 7;
    }

    @Test
    void callbacksAreServedAndCountedWhileTheArchiveIsCountedAndAStopEndsTheCount() throws Exception {
        Receiver first = start();
        send(first, 0, 30_000);
        stop();
        for (Path summary : summaries()) {
            Files.delete(summary);
        }

        long started = System.nanoTime();
        Receiver second = start();
        long startMillis = (System.nanoTime() - started) / 1_000_000;
        assertFalse(second.statistics().progress().complete(), "counted in the background, not before the start");
        send(second, 30_000, 10);
        assertTrue(second.statistics().toJson().contains("\"complete\":false,\"progress\":{"));
        stop();
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("openim-audit-startup-count")
                && t.isAlive()), "the count's thread ends with the receiver");
        System.out.printf("started over %d rolled files without summaries in %d ms%n", AuditFiles.rolled(dir).size(),
                startMillis);

        String complete = stats(start());
        assertTrue(complete.contains("\"total\":{\"messages\":" + messagesOf(30_010) + ","), complete);
    }
}
