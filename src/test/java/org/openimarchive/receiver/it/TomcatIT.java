package org.openimarchive.receiver.it;

import static org.openimarchive.receiver.it.Health.assertHealthUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;

/**
 * The WAR on a real Tomcat, as an operator deploys it: dropped into webapps, configured by
 * a context file, undeployed and deployed again. One subclass per Tomcat version.
 */
abstract class TomcatIT {

    private static final String COMMAND_PATH = "/" + TomcatServer.APP + "/callbackAfterSendSingleMsgCommand";

    @TempDir
    Path base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The failsafe property naming this version's Tomcat home. */
    abstract String homeProperty();

    private TomcatServer start(Map<String, String> systemProperties) throws Exception {
        return TomcatServer.start(TomcatServer.home(homeProperty()), base, systemProperties);
    }

    private static HttpResponse<String> post(TomcatServer tomcat, byte[] body, String operationID) throws Exception {
        return CallbackPost.post(tomcat.uri(COMMAND_PATH), body, operationID);
    }

    private HttpResponse<String> get(TomcatServer tomcat, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(tomcat.uri("/" + TomcatServer.APP + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] message(String serverMsgID) {
        return new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", serverMsgID).getBytes(StandardCharsets.UTF_8);
    }

    /** No SEVERE or ERROR at all, and no warning that names this WAR or its code. */
    private static void assertCleanLogs(TomcatServer tomcat) {
        for (String line : tomcat.allLogs().split("\n")) {
            assertTrue(!line.contains("SEVERE") && !line.contains(" ERROR "), "container log: " + line);
            assertTrue(!(line.contains("WARN") && (line.contains(TomcatServer.APP) || line.contains("openimarchive"))),
                    "container log: " + line);
        }
    }

    @Test
    void servesEveryFixtureAndWritesTheDefaultAuditDirectory() throws Exception {
        try (TomcatServer tomcat = start(Map.of())) {
            tomcat.deploy();
            List<Path> good = Fixtures.good();
            for (Path fixture : good) {
                HttpResponse<String> r = post(tomcat, Fixtures.bytes(fixture), "good-" + fixture.getFileName());
                assertEquals(200, r.statusCode(), fixture + ": " + r.body());
                assertEquals("{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}", r.body());
            }
            for (Path fixture : Fixtures.bad()) {
                HttpResponse<String> r = post(tomcat, Fixtures.bytes(fixture), "bad-" + fixture.getFileName());
                assertEquals(400, r.statusCode(), fixture + ": " + r.body());
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            }
            // ${catalina.base}/logs/openim-audit by default
            List<String> audit = Files.readAllLines(base.resolve("logs/openim-audit/audit.jsonl"));
            for (Path fixture : good) {
                assertTrue(audit.stream().anyMatch(l -> l.contains("\"operationID\":\"good-" + fixture.getFileName() + "\"")
                        && l.contains("\"outcome\":\"accepted\"")), fixture.toString());
            }
            assertEquals(good.size() + Fixtures.bad().size(), audit.size());

            JsonObject stats = Json.createReader(new StringReader(get(tomcat, "/stats").body())).readObject();
            // the good fixtures hold one notification, counted apart
            assertEquals(good.size() - 1, stats.getJsonObject("total").getInt("messages"), stats.toString());
            assertEquals(1, stats.getJsonObject("total").getInt("notifications"), stats.toString());
            assertEquals(Fixtures.bad().size(), stats.getJsonObject("total").getJsonObject("refused").getInt("400"));
            assertTrue(get(tomcat, "/metrics").body().contains("openim_callback_requests_total{outcome=\"accepted\",status=\"200\"} "
                    + good.size() + ".0"));
            assertHealthUp(get(tomcat, "/health").body());
            for (String path : DashboardIT.PAGE_PATHS) {
                assertEquals(200, get(tomcat, path).statusCode(), path);
            }
            // the 3.0-3.4 style at the bare context path is served, not redirected
            HttpResponse<String> legacy = http.send(HttpRequest.newBuilder(tomcat.uri("/" + TomcatServer.APP
                            + "?command=callbackAfterSendSingleMsgCommand")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message("legacy"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, legacy.statusCode(), legacy.body());
            // TRACE: Tomcat refuses it itself (allowTrace is off) through the WAR's error page, which records it
            HttpResponse<String> trace = http.send(HttpRequest.newBuilder(tomcat.uri(COMMAND_PATH)).header("operationID", "trace")
                    .method("TRACE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, trace.statusCode(), trace.body());
            JsonObject traced = Files.readAllLines(base.resolve("logs/openim-audit/audit.jsonl")).stream()
                    .filter(l -> l.contains("\"operationID\":\"trace\"")).map(l -> Json.createReader(new StringReader(l)).readObject())
                    .findFirst().orElseThrow(() -> new AssertionError("no record of the TRACE"));
            assertEquals(405, traced.getInt("status"));
            assertEquals("TRACE", traced.getString("method"));
            assertEquals(Json.createReader(new StringReader(trace.body())).readObject().getString("errDlt"), traced.getString("error"));
            assertCleanLogs(tomcat);
        }
    }

    /**
     * Tomcat's {@code available()} says 1 before the first read, however much of the body it
     * holds: a body that came with its headers must still be read on the request's thread,
     * and only one that had not arrived read as it comes.
     */
    @Test
    void aBodyThatCameWithItsHeadersIsReadAtOnceAndOneThatHadNotAsItComes() throws Exception {
        try (TomcatServer tomcat = start(Map.of())) {
            tomcat.deploy();
            for (int i = 0; i < 20; i++) {
                byte[] body = message("at-once-" + i);
                byte[] head = head(body.length);
                byte[] request = new byte[head.length + body.length];
                System.arraycopy(head, 0, request, 0, head.length);
                System.arraycopy(body, 0, request, head.length, body.length);
                assertTrue(rawPost(tomcat, request, null, 0).startsWith("HTTP/1.1 200 "), "at once " + i);
            }
            assertEquals(0.0, StatsIT.parse(get(tomcat, "/metrics").body()).get("openim_callback_bodies_awaited_total"));
            // the headers, then the body 300 ms later
            byte[] late = message("late");
            assertTrue(rawPost(tomcat, head(late.length), late, 300).startsWith("HTTP/1.1 200 "));
            assertEquals(1.0, StatsIT.parse(get(tomcat, "/metrics").body()).get("openim_callback_bodies_awaited_total"));
            assertEquals(21, Files.readAllLines(base.resolve("logs/openim-audit/audit.jsonl")).stream()
                    .filter(l -> l.contains("\"outcome\":\"accepted\"")).count());
        }
    }

    private static byte[] head(int contentLength) {
        return ("POST " + COMMAND_PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code first} in one write, then {@code then} (if any) after a pause; the whole response. */
    private static String rawPost(TomcatServer tomcat, byte[] first, byte[] then, long pauseMillis) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(tomcat.uri("/").getHost(), tomcat.uri("/").getPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(first);
            socket.getOutputStream().flush();
            if (then != null) {
                Thread.sleep(pauseMillis);
                socket.getOutputStream().write(then);
                socket.getOutputStream().flush();
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void redeploysFiveTimesWithoutLeaksAndKeepsItsStatistics() throws Exception {
        try (TomcatServer tomcat = start(Map.of())) {
            tomcat.deploy();
            assertEquals(200, post(tomcat, message("first"), "first").statusCode());
            for (int i = 1; i <= 5; i++) {
                tomcat.undeploy();
                tomcat.deploy();
                JsonObject total = CompleteStats.await(() -> get(tomcat, "/stats").body()).getJsonObject("total");
                assertEquals(i, total.getInt("messages"), "after redeploy " + i);
                assertEquals(200, post(tomcat, message("after-redeploy-" + i), "r" + i).statusCode());
            }
            String logs = tomcat.allLogs();
            for (String leak : new String[] {"memory leak", "failed to stop", "appears to have started a thread",
                "failed to clear", "has failed to"}) {
                assertTrue(!logs.contains(leak), leak + ":\n" + logs);
            }
            assertCleanLogs(tomcat);
            // each start rolls the file the last one wrote: the six are spread over the files
            long accepted = 0;
            try (AuditReader reader = AuditReader.open(base.resolve("logs/openim-audit"), lines -> { })) {
                for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                    if (entry instanceof AuditRecord record && record.outcome() == AuditRecord.Outcome.ACCEPTED) {
                        accepted++;
                    }
                }
            }
            assertEquals(6, accepted);
        }
    }

    @Test
    void takesItsParametersFromATomcatContextFile() throws Exception {
        Path auditDir = base.resolve("elsewhere/audit");
        try (TomcatServer tomcat = start(Map.of())) {
            Files.writeString(base.resolve("conf/Catalina/localhost/" + TomcatServer.APP + ".xml"), """
                    <Context>
                      <Parameter name="callback.audit.dir" value="%s"/>
                      <Parameter name="callback.allowedSources" value="10.0.0.0/8"/>
                    </Context>
                    """.formatted(auditDir));
            tomcat.deploy();
            HttpResponse<String> r = post(tomcat, message("from-loopback"), "context-file");
            assertEquals(403, r.statusCode(), r.body());
            String record = Files.readString(auditDir.resolve("audit.jsonl"));
            assertTrue(record.contains("\"operationID\":\"context-file\"") && record.contains("\"status\":403"), record);
            assertTrue(!Files.exists(base.resolve("logs/openim-audit/audit.jsonl")));
        }
    }

    @Test
    void aBadCidrFailsTheDeploymentWithTheMessageInTheLog() throws Exception {
        try (TomcatServer tomcat = start(Map.of())) {
            Files.writeString(base.resolve("conf/Catalina/localhost/" + TomcatServer.APP + ".xml"), """
                    <Context>
                      <Parameter name="callback.allowedSources" value="127.0.0.1, 10.0.0.300/8"/>
                    </Context>
                    """);
            tomcat.deploy();
            assertTrue(tomcat.allLogs().contains("OpenIM callback receiver not started, invalid configuration: "
                    + "callback.allowedSources: '10.0.0.300/8' is not an IPv4 or IPv6 address or CIDR block"), tomcat.allLogs());
            int status = tomcat.status("/" + TomcatServer.APP + "/health");
            assertTrue(status == 404 || status == 503, "a failed context does not answer: " + status);
        }
    }
}
