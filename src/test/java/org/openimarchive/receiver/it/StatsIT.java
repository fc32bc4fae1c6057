package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/** Known traffic in, exact /stats figures out, the same after a restart; /metrics parsed; admin access. */
class StatsIT {

    @TempDir
    Path auditDir;

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    /** A text message from {@code from} to {@code to}, sent at noon UTC {@code daysAgo} days ago. */
    private static byte[] message(String serverMsgID, String from, String to, int contentType, int daysAgo) {
        JsonObject text = Json.createReader(new StringReader(
                new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8))).readObject();
        long sendTime = TODAY.minusDays(daysAgo).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        JsonObjectBuilder b = Json.createObjectBuilder(text).add("serverMsgID", serverMsgID).add("sendID", from)
                .add("recvID", to).add("contentType", contentType).add("sendTime", sendTime).add("createTime", sendTime);
        return b.build().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject stats(DeployedWar war) throws Exception {
        JsonObject doc = CompleteStats.await(() -> {
            HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/stats")).GET());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            return r.body();
        });
        return Json.createObjectBuilder(doc).remove("generatedAt").build();
    }

    @Test
    void knownTrafficGivesExactFiguresThatSurviveARestart() throws Exception {
        JsonObject before;
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of())) {
            // today: alice→bob, bob→alice (one conversation), alice→carol (a picture), and a duplicate
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message("t1", "alice", "bob", 101, 0), "o1").statusCode());
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message("t2", "bob", "alice", 101, 0), "o2").statusCode());
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message("t3", "alice", "carol", 102, 0), "o3").statusCode());
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message("t1", "alice", "bob", 101, 0), "o4").statusCode());
            // two days ago: dave→erin
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message("p1", "dave", "erin", 101, 2), "o5").statusCode());
            // refused: every bad fixture (400), a wrong content type (415)
            for (Path bad : Fixtures.bad()) {
                assertEquals(400, war.post(DeployedWar.COMMAND_PATH, Fixtures.bytes(bad), "bad").statusCode());
            }
            assertEquals(415, war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());

            before = stats(war);
            JsonObject total = before.getJsonObject("total");
            assertEquals(4, total.getInt("messages"));
            assertEquals(1, total.getInt("duplicates"));
            // the WAR check of DeployedWar is one 404
            assertEquals(json("{\"400\":" + Fixtures.bad().size() + ",\"404\":1,\"415\":1}"), total.getJsonObject("refused"));
            assertEquals(count(3), total.getJsonObject("senders"));
            assertEquals(count(4), total.getJsonObject("receivers"));
            assertEquals(count(5), total.getJsonObject("users"));
            assertEquals(count(3), total.getJsonObject("conversations"));
            assertEquals(json("{\"101\":3,\"102\":1}"), total.getJsonObject("byContentType"));
            assertEquals(json("{\"5\":4}"), total.getJsonObject("bySenderPlatformID"));
            assertEquals(json("{\"100\":4}"), total.getJsonObject("byMsgFrom"));
            assertEquals(json("{\"1\":4}"), total.getJsonObject("byStatus"));

            JsonObject byDay = before.getJsonObject("byDay");
            assertEquals("[" + TODAY.minusDays(2) + ", " + TODAY + "]", byDay.keySet().toString());
            JsonObject today = byDay.getJsonObject(TODAY.toString());
            assertEquals(3, today.getInt("messages"));
            assertEquals(1, today.getInt("duplicates"));
            assertEquals(count(2), today.getJsonObject("conversations"));
            JsonObject twoDaysAgo = byDay.getJsonObject(TODAY.minusDays(2).toString());
            assertEquals(1, twoDaysAgo.getInt("messages"));
            assertEquals(json("{}"), twoDaysAgo.getJsonObject("refused"), "refusals fall on the day they were received");

            assertMetrics(war);

            // the audit tool's summary, computed from the files with the same code, equals /stats
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            assertEquals(0, org.openimarchive.receiver.tool.AuditTool.run(new String[] {"summary", auditDir.toString()},
                    new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
            JsonObject summary = Json.createObjectBuilder(json(out.toString(StandardCharsets.UTF_8))).remove("generatedAt").build();
            assertEquals(stats(war), summary);
        }
        try (DeployedWar restarted = DeployedWar.deploy(auditDir, Map.of())) {
            JsonObject after = stats(restarted);
            // the restarted WAR's own check is one more 404: the rest is what it was
            JsonObject expected = Json.createObjectBuilder(before)
                    .add("total", Json.createObjectBuilder(before.getJsonObject("total"))
                            .add("refused", json("{\"400\":" + Fixtures.bad().size() + ",\"404\":2,\"415\":1}")))
                    .add("byDay", Json.createObjectBuilder(before.getJsonObject("byDay"))
                            .add(TODAY.toString(), Json.createObjectBuilder(before.getJsonObject("byDay").getJsonObject(TODAY.toString()))
                                    .add("refused", json("{\"400\":" + Fixtures.bad().size() + ",\"404\":2,\"415\":1}"))))
                    .build();
            assertEquals(expected, after);
        }
    }

    private static JsonObject count(int n) {
        return json("{\"count\":" + n + ",\"exact\":true}");
    }

    private static void assertMetrics(DeployedWar war) throws Exception {
        HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/metrics")).GET());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        Map<String, Double> m = parse(r.body());
        assertEquals(5.0, m.get("openim_callback_requests_total{outcome=\"accepted\",status=\"200\"}"));
        assertEquals(Fixtures.bad().size(), m.get("openim_callback_requests_total{outcome=\"rejected\",status=\"400\"}"));
        assertEquals(1.0, m.get("openim_callback_requests_total{outcome=\"rejected\",status=\"415\"}"));
        assertEquals(3.0, m.get("openim_callback_messages_total{content_type=\"101\"}"));
        assertEquals(1.0, m.get("openim_callback_messages_total{content_type=\"102\"}"));
        assertEquals(1.0, m.get("openim_callback_duplicates_total"));
        assertEquals(0.0, m.get("openim_callback_audit_write_failures_total"));
        assertEquals(1.0, m.get("openim_callback_audit_healthy"));
        double requests = 5 + Fixtures.bad().size() + 1 + 1;
        assertEquals(requests, m.get("openim_callback_handling_seconds_count"));
        assertEquals(requests, m.get("openim_callback_handling_seconds_bucket{le=\"+Inf\"}"));
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    /** The samples of a Prometheus text exposition, by name and labels as written. */
    static Map<String, Double> parse(String exposition) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    @Test
    void statsAndMetricsAnswerOnlyAdminSourcesButHealthAnswersAnyone() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.adminSources", "10.0.0.0/8"))) {
            for (String path : new String[] {"/stats", "/metrics"}) {
                HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + path)).GET());
                assertEquals(403, r.statusCode(), path);
                assertEquals("{\"error\":\"source address 127.0.0.1 is not in callback.adminSources\"}", r.body());
            }
            HttpResponse<String> health = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/health")).GET());
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\"}", health.body(), "the node's name is for admins");
        }
    }

    @Test
    void adminEndpointsRefuseOtherMethodsInJson() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of())) {
            HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/stats"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(405, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        }
    }
}
