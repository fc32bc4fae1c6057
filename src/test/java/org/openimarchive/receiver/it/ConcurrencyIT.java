package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditVerifier;

/**
 * 64 concurrent senders post 1,000 unique messages each to the WAR, whose audit file rolls
 * over at 64 KiB: about eight hundred times during the load. Every request must get 200,
 * the active and rolled files together must hold each message exactly once, every line a
 * whole record and every file ending on a line break, the rolled files must be numbered
 * without a gap (none deleted or written over), the chain must verify, and {@code /stats}
 * must count exactly what was sent.
 */
class ConcurrencyIT {

    private static final int SENDERS = 64;
    private static final int MESSAGES_PER_SENDER = 1_000;
    private static final int MESSAGES = SENDERS * MESSAGES_PER_SENDER;
    private static final int MAX_FILE_SIZE = 64 * 1024;
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    /** Looked up once: each {@code Json.create...} call looks the provider up again, a cost that would dominate the client. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonObject TEXT = json(new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8));
    private static final Pattern ROLLED = Pattern.compile("audit-(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.jsonl(?:\\.gz)?");

    @TempDir
    Path auditDir;

    @Test
    void sixtyFourSendersOfAThousandMessagesAreEachRecordedOnceAcrossHundredsOfRollovers() throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger serverErrors = new AtomicInteger();
        List<String> otherReplies = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        JsonObject stats;
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.audit.maxFileSize", Integer.toString(MAX_FILE_SIZE)))) {
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> all = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                all.add(senders.submit(() -> {
                    try (KeepAlive connection = new KeepAlive(war.port())) {
                        for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
                            KeepAlive.Reply r = connection.post(DeployedWar.COMMAND_PATH, id("op", sender, i), message(sender, i));
                            if (r.status() == 200) {
                                acknowledged.incrementAndGet();
                            } else {
                                if (r.status() >= 500) {
                                    serverErrors.incrementAndGet();
                                }
                                otherReplies.add(id("op", sender, i) + ": " + r.status() + " " + r.body());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            senders.shutdown();
            HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/stats")).GET());
            assertEquals(200, r.statusCode(), r.body());
            stats = json(r.body());
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // every file, rolled ones decompressed, with the serverMsgID of each accepted record
        Map<String, Integer> found = new HashMap<>();
        Map<String, List<Integer>> rolledByDay = new TreeMap<>();
        List<Path> files = AuditFiles.inOrder(auditDir);
        long records = 0;
        int torn = 0;
        for (Path file : files) {
            String text;
            try (var in = AuditFiles.open(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = ROLLED.matcher(file.getFileName().toString());
            if (m.matches()) {
                rolledByDay.computeIfAbsent(m.group(1), d -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
                assertFalse(text.isEmpty(), "an empty rolled file: " + file);
            }
            assertTrue(text.isEmpty() || text.endsWith("\n"), "a record split at the end of " + file);
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                records++;
                JsonObject record;
                try {
                    record = JSON.createReader(new StringReader(line)).readObject();
                } catch (JsonException e) {
                    torn++;
                    continue;
                }
                if ("accepted".equals(record.getString("outcome"))) {
                    found.merge(record.getJsonObject("msg").getString("serverMsgID"), 1, Integer::sum);
                }
            }
        }
        int lost = 0;
        int duplicated = 0;
        for (int s = 0; s < SENDERS; s++) {
            for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
                int count = found.getOrDefault(id("m", s, i), 0);
                lost += count == 0 ? 1 : 0;
                duplicated += Math.max(0, count - 1);
            }
        }
        int rolled = files.size() - 1;
        System.out.printf("concurrency: %d senders x %d messages, %d requests, %d acknowledged, %d found, %d lost,"
                + " %d duplicated, %d torn lines, %d 5xx, %d rolled files of %d bytes, %.1f s;"
                + " /stats: %s messages, %d distinct senders counted as %s%n",
                SENDERS, MESSAGES_PER_SENDER, MESSAGES, acknowledged.get(), MESSAGES - lost, lost, duplicated, torn,
                serverErrors.get(), rolled, MAX_FILE_SIZE, seconds, stats.getJsonObject("total").get("messages"), MESSAGES,
                stats.getJsonObject("total").get("senders"));

        assertEquals(List.of(), otherReplies.subList(0, Math.min(10, otherReplies.size())));
        assertEquals(MESSAGES, acknowledged.get());
        assertEquals(0, torn);
        assertEquals(0, lost);
        assertEquals(0, duplicated);
        assertEquals(MESSAGES, found.size(), "only the messages sent were recorded");
        // the deployment check's 404 is the one other record
        assertEquals(MESSAGES + 1, records);
        // "nomax": each day's rolled files are numbered 1, 2, 3, ... with none deleted or written over
        for (Map.Entry<String, List<Integer>> day : rolledByDay.entrySet()) {
            List<Integer> expected = new ArrayList<>();
            for (int n = 1; n <= day.getValue().size(); n++) {
                expected.add(n);
            }
            assertEquals(expected, day.getValue(), "the rolled files of " + day.getKey());
        }
        assertTrue(rolled >= 500, "the load should roll the audit file hundreds of times: " + rolled);

        AuditVerifier.Report report = new AuditVerifier(null).verify(auditDir, n -> { });
        assertNull(report.breakAt(), report.toString());
        assertEquals(MESSAGES + 1, report.records());
        assertEquals(files.size(), report.files());

        assertStats(stats.getJsonObject("total"));
        assertEquals(MESSAGES, stats.getJsonObject("byDay").getJsonObject(TODAY.toString()).getInt("messages"));
    }

    /**
     * Exact: messages, duplicates, refusals, the 64 receivers and the counts by value. The
     * 64,000 senders, 64,064 users and 64,000 conversations are past the sketches' exact range
     * (8,192): their estimate must lie within its 95% bounds of the truth, and within 3.3%
     * (three relative standard errors) of it. The IDs are the same in every run, so the
     * estimates are too, but for the order the senders' messages arrive in (about 0.1%).
     */
    private static void assertStats(JsonObject total) {
        assertEquals(MESSAGES, total.getInt("messages"));
        assertEquals(0, total.getInt("duplicates"));
        assertEquals(json("{\"404\":1}"), total.getJsonObject("refused"));
        assertEquals(json("{\"count\":" + SENDERS + ",\"exact\":true}"), total.getJsonObject("receivers"));
        assertEquals(json("{\"101\":" + MESSAGES + "}"), total.getJsonObject("byContentType"));
        assertEquals(json("{\"5\":" + MESSAGES + "}"), total.getJsonObject("bySenderPlatformID"));
        assertEquals(json("{\"100\":" + MESSAGES + "}"), total.getJsonObject("byMsgFrom"));
        assertEquals(json("{\"1\":" + MESSAGES + "}"), total.getJsonObject("byStatus"));
        assertEstimate(MESSAGES, total.getJsonObject("senders"));
        assertEstimate(MESSAGES + SENDERS, total.getJsonObject("users"));
        assertEstimate(MESSAGES, total.getJsonObject("conversations"));
    }

    private static void assertEstimate(int truth, JsonObject count) {
        assertFalse(count.getBoolean("exact"), count.toString());
        assertTrue(count.getInt("lowerBound95") <= truth && truth <= count.getInt("upperBound95"), truth + " " + count);
        assertTrue(Math.abs(count.getInt("count") - truth) <= truth * 0.033, truth + " " + count);
    }

    private static String id(String kind, int sender, int i) {
        return kind + "-" + sender + "-" + i;
    }

    /**
     * The v3.8 text fixture from a sender of its own ({@code u-S-I}) to one of 64 receivers
     * ({@code r-S}), with its own serverMsgID and clientMsgID, sent at noon UTC today.
     */
    private static byte[] message(int sender, int i) {
        long sendTime = TODAY.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        return JSON.createObjectBuilder(TEXT)
                .add("serverMsgID", id("m", sender, i)).add("clientMsgID", id("c", sender, i))
                .add("sendID", id("u", sender, i)).add("recvID", "r-" + sender)
                .add("sendTime", sendTime).add("createTime", sendTime)
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject json(String text) {
        return JSON.createReader(new StringReader(text)).readObject();
    }

    /** One persistent HTTP/1.1 connection to 127.0.0.1, one request at a time: a light client for heavy load. */
    private static final class KeepAlive implements AutoCloseable {

        record Reply(int status, String body) {
        }

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        KeepAlive(int port) throws IOException {
            socket = new Socket(DeployedWar.IPV4_LOOPBACK, port);
            socket.setSoTimeout(60_000);
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream());
            in = new BufferedInputStream(socket.getInputStream());
        }

        Reply post(String path, String operationID, byte[] body) throws IOException {
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "operationID: " + operationID + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = line();
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            if (length < 0) {
                throw new IOException("a reply without Content-Length: " + statusLine);
            }
            return new Reply(Integer.parseInt(statusLine.split(" ")[1]),
                    new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("the connection closed mid-reply: " + line);
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
