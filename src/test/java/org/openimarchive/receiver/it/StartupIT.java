package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.json.Timestamps;

/**
 * A start costs the same whatever the archive holds: Tomcat 10.1 started on an empty audit
 * directory and on one of 2,050,000 chain-sealed records, measured in the same run from the
 * JVM's start to the first 200, while two senders post from the moment the port accepts and
 * every answer is counted. Then {@code /stats} must reach the exact totals: counted by
 * reading every file (the first start), and from the summaries written then (after a
 * graceful stop, and after a kill -9).
 */
class StartupIT {

    private static final int RECORDS_PER_FILE = 100_000;
    private static final int ROLLED_FILES = 20;
    private static final int ACTIVE_RECORDS = 50_000;
    private static final long RECORDS = (long) RECORDS_PER_FILE * ROLLED_FILES + ACTIVE_RECORDS;
    private static final int SENDERS = 200_000;
    /** Generated once, kept for the next run: regenerated only when this marker is missing. */
    private static final Path ARCHIVE = Path.of("target", "startup-archive");
    private static final String COMMAND_PATH = "/" + TomcatServer.APP + "/callbackAfterSendSingleMsgCommand";

    @TempDir
    Path emptyBase;

    @TempDir
    Path archiveBase;

    private final AtomicLong posted = new AtomicLong();

    @Test
    void theArchiveAddsNoTimeToAStartAndNoCallbackIsLostWhileItIsCounted() throws Exception {
        generateArchive();
        Path home = TomcatServer.home("tomcat10.home");

        Start empty = start(home, emptyBase, "empty");
        empty.tomcat().stop();
        posted.set(0); // from here on, the callbacks posted go to the archive

        Path auditDir = archiveBase.resolve("logs/openim-audit");
        Files.createDirectories(auditDir);
        try (Stream<Path> files = Files.list(ARCHIVE)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("audit")).toList()) {
                Files.copy(file, auditDir.resolve(file.getFileName()));
            }
        }
        Start first = start(home, archiveBase, "archive, no summaries");
        long firstComplete = awaitComplete(first, "archive, no summaries");
        first.tomcat().stop();

        Start graceful = start(home, archiveBase, "after a graceful stop");
        long gracefulComplete = awaitComplete(graceful, "after a graceful stop");
        graceful.tomcat().kill();

        Start killed = start(home, archiveBase, "after kill -9");
        long killedComplete = awaitComplete(killed, "after kill -9");
        killed.tomcat().stop();

        System.out.printf("start-up, JVM start to first 200: empty archive %d ms; %,d records: %d ms (no summaries),"
                        + " %d ms (after a graceful stop), %d ms (after kill -9)%n", empty.firstOkMillis(), RECORDS,
                first.firstOkMillis(), graceful.firstOkMillis(), killed.firstOkMillis());
        System.out.printf("start-up, JVM start to complete statistics: %d ms (reading %,d records), %d ms and %d ms"
                        + " (from summaries)%n", firstComplete, RECORDS, gracefulComplete, killedComplete);
        for (Start start : List.of(first, graceful, killed)) {
            assertTrue(start.firstOkMillis() - empty.firstOkMillis() < 2_000, start.name() + ": the archive added "
                    + (start.firstOkMillis() - empty.firstOkMillis()) + " ms to the start");
        }
        assertTrue(gracefulComplete < firstComplete && killedComplete < firstComplete,
                "summaries make the count faster than reading every file");
    }

    /** One start: when the first 200 came, and every answer the senders got. */
    private record Start(String name, TomcatServer tomcat, long firstOkMillis, Map<Integer, Integer> answers) {
    }

    /**
     * Launches Tomcat with the WAR in webapps, posts from two senders from the moment the
     * port accepts until 3 s after the first 200, and checks that every callback sent was
     * answered 200.
     */
    private Start start(Path home, Path base, String name) throws Exception {
        Files.createDirectories(base.resolve("webapps"));
        Files.copy(DeployedWar.warFile(), base.resolve("webapps/" + TomcatServer.APP + ".war"), StandardCopyOption.REPLACE_EXISTING);
        TomcatServer tomcat = TomcatServer.launch(home, base, Map.of(), List.of("-Xmx512m"), "", "");
        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        AtomicLong firstOk = new AtomicLong(-1);
        AtomicInteger failures = new AtomicInteger();
        List<Thread> senders = List.of(sender(tomcat, name, answers, firstOk, failures, 0),
                sender(tomcat, name, answers, firstOk, failures, 1));
        senders.forEach(Thread::start);
        for (Thread sender : senders) {
            sender.join(Duration.ofMinutes(2).toMillis());
        }
        tomcat.awaitStarted();
        assertEquals(0, failures.get(), name + ": callbacks sent but not answered");
        assertEquals(Map.of(200, answers.getOrDefault(200, 0)), new TreeMap<>(answers), name + ": every answer a 200");
        assertTrue(firstOk.get() > 0, name + ": no 200");
        System.out.printf("start-up, %s: first 200 %d ms after the JVM started; %d callbacks, all 200%n", name,
                (firstOk.get() - tomcat.launchedAt()) / 1_000_000, answers.get(200));
        return new Start(name, tomcat, (firstOk.get() - tomcat.launchedAt()) / 1_000_000, answers);
    }

    private Thread sender(TomcatServer tomcat, String name, Map<Integer, Integer> answers, AtomicLong firstOk,
                          AtomicInteger failures, int worker) {
        return new Thread(() -> {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = tomcat.uri(COMMAND_PATH);
            long giveUp = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < giveUp) {
                long ok = firstOk.get();
                if (ok > 0 && System.nanoTime() - ok > Duration.ofSeconds(3).toNanos()) {
                    return;
                }
                long n = posted.get();
                byte[] body = message("posted-" + name.hashCode() + "-" + worker + "-" + n, (int) (n % SENDERS),
                        Instant.now().toEpochMilli());
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/json").header("operationID", "startup")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                    answers.merge(response.statusCode(), 1, Integer::sum);
                    if (response.statusCode() == 200) {
                        posted.incrementAndGet();
                        firstOk.compareAndSet(-1, System.nanoTime());
                    }
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    // the port does not accept yet: nothing was sent
                    sleep(2);
                } catch (IOException e) {
                    // sent, and no answer: lost, as OpenIM would lose it
                    failures.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "startup-sender-" + worker);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for complete statistics, checks them exactly, and returns the time from the JVM's start. */
    private long awaitComplete(Start start, String name) throws Exception {
        TomcatServer tomcat = start.tomcat();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        JsonObject stats = CompleteStats.await(() -> http.send(HttpRequest.newBuilder(tomcat.uri("/" + TomcatServer.APP + "/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        long completeMillis = (System.nanoTime() - tomcat.launchedAt()) / 1_000_000;
        JsonObject total = stats.getJsonObject("total");
        assertEquals(RECORDS + posted.get(), total.getJsonNumber("messages").longValue(), name + ": " + total);
        assertEquals(0, total.getInt("duplicates"), name);
        JsonObject senders = total.getJsonObject("senders");
        assertTrue(senders.getInt("lowerBound95") <= SENDERS && SENDERS <= senders.getInt("upperBound95"),
                name + ": " + SENDERS + " senders within " + senders);
        System.out.printf("start-up, %s: statistics complete %d ms after the JVM started: %d messages, senders %s%n", name,
                completeMillis, total.getJsonNumber("messages").longValue(), senders);
        return completeMillis;
    }

    /** A one-to-one text message as OpenIM sends it. */
    private static byte[] message(String serverMsgID, int sender, long sendTime) {
        return msg(serverMsgID, sender, sendTime).getBytes(StandardCharsets.UTF_8);
    }

    private static String msg(String serverMsgID, int sender, long sendTime) {
        return "{\"sendID\":\"u" + sender + "\",\"callbackCommand\":\"callbackAfterSendSingleMsgCommand\",\"serverMsgID\":\""
                + serverMsgID + "\",\"clientMsgID\":\"c" + serverMsgID + "\",\"operationID\":\"op\",\"senderPlatformID\":5,"
                + "\"senderNickname\":\"\",\"sessionType\":1,\"msgFrom\":100,\"contentType\":101,\"status\":1,\"sendTime\":"
                + sendTime + ",\"createTime\":" + sendTime + ",\"content\":\"{\\\"content\\\":\\\"hello\\\"}\",\"seq\":0,"
                + "\"atUserList\":null,\"faceURL\":\"\",\"ex\":\"\",\"recvID\":\"u" + (sender * 7 + 1) % SENDERS + "\"}";
    }

    /**
     * 2,050,000 accepted records, sealed as the receiver seals them, over the last ten days:
     * 20 rolled files of 100,000 (gzip) and 50,000 in audit.jsonl. Kept under target/.
     */
    private static void generateArchive() throws IOException {
        Path done = ARCHIVE.resolve("complete");
        if (Files.exists(done)) {
            return;
        }
        Files.createDirectories(ARCHIVE);
        long started = System.nanoTime();
        AuditChain chain = new AuditChain(null, 0, AuditChain.GENESIS);
        Instant from = Instant.now().minus(Duration.ofDays(10));
        long step = Duration.ofDays(9).toMillis() / RECORDS;
        Map<LocalDate, Integer> index = new TreeMap<>();
        long i = 0;
        for (int file = 0; file <= ROLLED_FILES; file++) {
            boolean active = file == ROLLED_FILES;
            Instant firstTime = from.plusMillis(i * step);
            LocalDate day = firstTime.atZone(ZoneOffset.UTC).toLocalDate();
            int n = index.merge(day, 1, Integer::sum);
            Path path = ARCHIVE.resolve(active ? AuditFiles.ACTIVE : "audit-" + day + "-" + n + ".jsonl.gz");
            try (Writer out = new BufferedWriter(new OutputStreamWriter(active ? Files.newOutputStream(path)
                    : new GZIPOutputStream(Files.newOutputStream(path), 1 << 16) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    }, StandardCharsets.UTF_8), 1 << 16)) {
                for (int r = 0; r < (active ? ACTIVE_RECORDS : RECORDS_PER_FILE); r++, i++) {
                    Instant time = from.plusMillis(i * step);
                    String record = "{\"time\":\"" + Timestamps.FORMAT.format(time) + "\",\"outcome\":\"accepted\","
                            + "\"status\":200,\"remoteAddr\":\"10.0.0.1\",\"operationID\":\"op\",\"msg\":"
                            + msg("a" + i, (int) (i % SENDERS), time.toEpochMilli() - 1000) + "}";
                    AuditChain.Sealed sealed = chain.seal(record);
                    chain.advance(sealed);
                    out.write(sealed.line());
                    out.write('\n');
                }
            }
        }
        Files.writeString(done, RECORDS + " records, chain head " + chain.head() + "\n");
        System.out.printf("start-up: generated %,d records in %.1f s%n", RECORDS, (System.nanoTime() - started) / 1e9);
    }
}
