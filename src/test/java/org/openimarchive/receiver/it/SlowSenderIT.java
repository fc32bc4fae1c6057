package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/**
 * Senders that trickle or stall, with {@code callback.bodyTimeoutSeconds} 2. On embedded Jetty
 * (idleTimeout 4 s): a body that trickles in is answered 408 at the first read after the
 * deadline and its connection closed; connections that stall after their headers, or send
 * nothing, are ended by the idle timeout, and meanwhile a callback is answered 200 as usual.
 * On Tomcat 10.1 (connectionTimeout 20 s): the same 408 at the body's deadline, for a body that
 * trickles and for one that stalls, and the connection closed with it: the body is read
 * without a thread, so the receiver's deadline, not the connector's timeout, ends it.
 */
class SlowSenderIT {

    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
    /** The trickling sender's pace: one byte per interval, each within the idle timeout. */
    private static final Duration TRICKLE_INTERVAL = Duration.ofMillis(250);
    /** What a loaded machine may add to a deadline before the reply is seen. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final int STALLED = 50;
    private static final Pattern TOO_SLOW = Pattern.compile(
            "body not received whole within callback\\.bodyTimeoutSeconds \\(2 s\\): (\\d+) bytes arrived");

    @TempDir
    Path auditDir;
    @TempDir
    Path tomcatBase;

    @Test
    void aTricklingBodyIsAnswered408AtTheDeadlineAndItsConnectionClosed() throws Exception {
        try (DeployedWar war = deploy()) {
            // Jetty closes with the reply
            assertTrickleRefused("Jetty 12", war.port(), auditDir, Duration.ZERO);
        }
    }

    @Test
    void onTomcatATricklingOrStalledBodyIsAnswered408AtTheDeadlineAndItsConnectionClosed() throws Exception {
        try (TomcatServer tomcat = TomcatServer.start(TomcatServer.home("tomcat10.home"), tomcatBase,
                Map.of("callback.bodyTimeoutSeconds", Long.toString(BODY_TIMEOUT.toSeconds())))) {
            tomcat.deploy();
            Path tomcatAudit = tomcatBase.resolve("logs/openim-audit");
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), tomcat.port())) {
                stalled.getOutputStream().write(headers("stall", 1000));
                stalled.setSoTimeout((int) TomcatServer.CONNECTION_TIMEOUT.multipliedBy(3).toMillis());
                long start = System.nanoTime();
                // a body that never comes is the receiver's to end, at its deadline: no thread waits on it
                AtomicLong answeredAt = new AtomicLong();
                Future<DeployedWar.RawResponse> reply = reader.submit(() -> {
                    DeployedWar.RawResponse r = readResponse(stalled.getInputStream());
                    answeredAt.set(System.nanoTime());
                    return r;
                });
                assertTrickleRefused("Tomcat 10.1", tomcat.port(), tomcatAudit, Duration.ZERO);

                DeployedWar.RawResponse response = reply.get();
                long answered = (answeredAt.get() - start) / 1_000_000;
                assertEquals(-1, stalled.getInputStream().read());
                long closed = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("slow senders, Tomcat 10.1: a connection stalled after its headers: %d after %d ms "
                        + "(%s), closed after %d ms%n", response.status(), answered, response.body(), closed);
                assertEquals(408, response.status());
                assertEquals("{\"actionCode\":1,\"errCode\":408,\"errMsg\":\"body too slow\",\"errDlt\":\"body not received"
                        + " whole within callback.bodyTimeoutSeconds (2 s): 0 bytes arrived\",\"nextCode\":0}", response.body());
                assertTrue(answered < BODY_TIMEOUT.plus(SLACK).toMillis(), answered + " ms");
                assertTrue(closed - answered < SLACK.toMillis(), closed + " ms");
                JsonObject record = record(tomcatAudit, "stall");
                assertEquals(408, record.getInt("status"));
                assertEquals("body not received whole within callback.bodyTimeoutSeconds (2 s): 0 bytes arrived",
                        record.getString("error"));
            } finally {
                reader.shutdownNow();
            }
        }
    }

    /**
     * A body trickling into {@code port} is answered 408 at the deadline, with one record;
     * once the sender stops, the server closes the connection within {@code closeAfter}.
     */
    private static void assertTrickleRefused(String container, int port, Path auditDir, Duration closeAfter)
            throws Exception {
        byte[] body = Fixtures.bytes("good/v3.8-text.json");
        DeployedWar.RawResponse response;
        Duration answered;
        Duration closed;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) BODY_TIMEOUT.plus(closeAfter).plus(IDLE_TIMEOUT).plus(SLACK).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(headers("trickle", body.length));
            out.flush();
            long start = System.nanoTime();
            Thread trickle = new Thread(() -> trickle(out, body));
            trickle.start();
            InputStream in = socket.getInputStream();
            response = readResponse(in);
            answered = Duration.ofNanos(System.nanoTime() - start);
            trickle.interrupt();
            trickle.join();
            long stopped = System.nanoTime();
            try {
                assertEquals(-1, in.read(), "nothing after the reply");
            } catch (SocketException e) {
                // reset: closed all the same
            }
            closed = Duration.ofNanos(System.nanoTime() - stopped);
        }

        JsonObject reply = Json.createReader(new StringReader(response.body())).readObject();
        Matcher detail = TOO_SLOW.matcher(reply.getString("errDlt"));
        assertTrue(detail.matches(), response.body());
        long arrived = Long.parseLong(detail.group(1));
        System.out.printf("slow senders, %s: a body of %d bytes at 1 byte per %d ms: %d after %d ms, %d bytes had "
                + "arrived, Connection: %s; closed %d ms after the sender stopped%n", container, body.length,
                TRICKLE_INTERVAL.toMillis(), response.status(), answered.toMillis(), arrived,
                response.headers().get("connection"), closed.toMillis());
        assertEquals(408, response.status());
        assertEquals("close", response.headers().get("connection"));
        assertEquals("{\"actionCode\":1,\"errCode\":408,\"errMsg\":\"body too slow\",\"errDlt\":\""
                + detail.group() + "\",\"nextCode\":0}", response.body());
        assertTrue(answered.compareTo(BODY_TIMEOUT) >= 0, "answered before the deadline: " + answered);
        assertTrue(answered.compareTo(BODY_TIMEOUT.plus(TRICKLE_INTERVAL).plus(SLACK)) < 0,
                "answered " + answered.toMillis() + " ms after the headers");
        assertTrue(closed.compareTo(closeAfter.plus(SLACK)) < 0, "closed " + closed.toMillis() + " ms after the sender stopped");
        assertTrue(arrived > 0 && arrived < body.length, Long.toString(arrived));

        JsonObject record = record(auditDir, "trickle");
        assertEquals(408, record.getInt("status"));
        assertEquals(detail.group(), record.getString("error"));
        assertEquals(arrived, record.getJsonNumber("bodyBytes").longValue());
    }

    /** The one record of {@code operationID} in the active audit file. */
    private static JsonObject record(Path auditDir, String operationID) throws IOException {
        List<JsonObject> records = Files.readAllLines(auditDir.resolve("audit.jsonl"), StandardCharsets.UTF_8).stream()
                .map(line -> Json.createReader(new StringReader(line)).readObject())
                .filter(r -> !r.isNull("operationID") && r.getString("operationID").equals(operationID)).toList();
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    /** Reads one response, its body by its Content-Length, leaving the connection open. */
    private static DeployedWar.RawResponse readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed before the end of the response headers: " + head);
            }
            head.write(b);
        }
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head.toString(StandardCharsets.ISO_8859_1));
        assertTrue(length.find(), head.toString(StandardCharsets.ISO_8859_1));
        head.write(in.readNBytes(Integer.parseInt(length.group(1))));
        return DeployedWar.RawResponse.parse(head.toByteArray());
    }

    @Test
    void connectionsThatStallDoNotKeepACallbackFromBeingAnswered() throws Exception {
        try (DeployedWar war = deploy()) {
            List<Socket> afterHeaders = new ArrayList<>();
            List<Socket> silent = new ArrayList<>();
            ExecutorService readers = Executors.newFixedThreadPool(2 * STALLED);
            try {
                List<Future<End>> stalledEnds = new ArrayList<>();
                List<Future<End>> silentEnds = new ArrayList<>();
                for (int i = 0; i < STALLED; i++) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), war.port());
                    socket.getOutputStream().write(headers("stall-" + i, 1000));
                    socket.getOutputStream().flush();
                    afterHeaders.add(socket);
                    stalledEnds.add(readers.submit(() -> End.of(socket)));
                    Socket quiet = new Socket(InetAddress.getLoopbackAddress(), war.port());
                    silent.add(quiet);
                    silentEnds.add(readers.submit(() -> End.of(quiet)));
                }
                long start = System.nanoTime();
                HttpResponse<String> ok = war.post(DeployedWar.COMMAND_PATH, Fixtures.bytes("good/v3.8-text.json"), "amid-stalls");
                long okMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, ok.statusCode(), ok.body());

                // every stalled connection is ended by the server, none by us
                Outcome stalled = Outcome.of(stalledEnds);
                Outcome idle = Outcome.of(silentEnds);
                System.out.printf("slow senders: %d connections stalled after their headers and %d silent: a callback "
                        + "amid them answered 200 in %d ms; the stalled ended after %d to %d ms, %d of them with a 408 "
                        + "reply, the rest closed; the silent closed after %d to %d ms, %d with a reply%n", STALLED, STALLED,
                        okMillis, stalled.fastestMillis, stalled.slowestMillis, stalled.replies408, idle.fastestMillis,
                        idle.slowestMillis, idle.replies408 + idle.otherReplies);
                assertEquals(0, stalled.otherReplies);
                assertEquals(0, idle.replies408 + idle.otherReplies);
                assertTrue(stalled.slowestMillis < IDLE_TIMEOUT.plus(SLACK).toMillis(), stalled.slowestMillis + " ms");
                assertTrue(idle.slowestMillis < IDLE_TIMEOUT.plus(SLACK).toMillis(), idle.slowestMillis + " ms");
            } finally {
                readers.shutdownNow();
                for (Socket socket : afterHeaders) {
                    socket.close();
                }
                for (Socket socket : silent) {
                    socket.close();
                }
            }
            // one record for each stalled body: 408, nothing of it arrived
            for (int i = 0; i < STALLED; i++) {
                JsonObject record = war.auditRecord("stall-" + i);
                assertEquals(408, record.getInt("status"));
                assertEquals("body not received whole within callback.bodyTimeoutSeconds (2 s): 0 bytes arrived",
                        record.getString("error"));
            }
            assertEquals(200, war.auditRecord("amid-stalls").getInt("status"));
            // and the 404 of DeployedWar's probe; none of the silent connections left a record
            assertEquals(Map.of(200, 1L, 404, 1L, 408, (long) STALLED), war.auditRecords().stream()
                    .collect(Collectors.groupingBy(r -> r.getInt("status"), Collectors.counting())));
        }
    }

    private DeployedWar deploy() throws Exception {
        return DeployedWar.deploy(auditDir, Map.of("callback.bodyTimeoutSeconds", Long.toString(BODY_TIMEOUT.toSeconds())),
                IDLE_TIMEOUT);
    }

    private static byte[] headers(String operationID, int contentLength) {
        return ("POST " + DeployedWar.COMMAND_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "operationID: " + operationID + "\r\nContent-Length: " + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the body a byte at a time until it is sent, the server closes, or the test is done. */
    private static void trickle(OutputStream out, byte[] body) {
        try {
            for (byte b : body) {
                out.write(b);
                out.flush();
                Thread.sleep(TRICKLE_INTERVAL.toMillis());
            }
        } catch (IOException | InterruptedException e) {
            // the server closed the connection, or the reply is in
        }
    }

    /** How a connection ended: how long after it was opened, and with what reply (0: none). */
    private record End(long millis, int status) {

        /** Reads the connection to its end (the server's close or reset); it was opened just now. */
        static End of(Socket socket) throws IOException {
            long opened = System.nanoTime();
            socket.setSoTimeout((int) IDLE_TIMEOUT.plus(SLACK).multipliedBy(2).toMillis());
            byte[] received;
            try (InputStream in = socket.getInputStream()) {
                received = in.readAllBytes();
            } catch (SocketException e) {
                received = new byte[0]; // reset
            }
            long millis = (System.nanoTime() - opened) / 1_000_000;
            return new End(millis, received.length == 0 ? 0 : DeployedWar.RawResponse.parse(received).status());
        }
    }

    /** How a set of connections ended: the first and last, and with what replies. */
    private static final class Outcome {
        long fastestMillis = Long.MAX_VALUE;
        long slowestMillis;
        int replies408;
        int otherReplies;

        static Outcome of(List<Future<End>> ends) throws Exception {
            Outcome outcome = new Outcome();
            for (Future<End> future : ends) {
                End end = future.get();
                outcome.fastestMillis = Math.min(outcome.fastestMillis, end.millis());
                outcome.slowestMillis = Math.max(outcome.slowestMillis, end.millis());
                if (end.status() == 408) {
                    outcome.replies408++;
                } else if (end.status() != 0) {
                    outcome.otherReplies++;
                }
            }
            return outcome;
        }
    }
}
