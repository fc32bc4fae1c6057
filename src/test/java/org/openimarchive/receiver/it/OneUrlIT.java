package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.tool.AuditTool;

/**
 * OpenIM posts every webhook it has enabled to one URL: group messages are archived and
 * counted like one-to-one ones, every other command gets the neutral reply and one "passed"
 * record, and with {@code callback.pathToken} nothing is served without the token, which no
 * record and no log line holds.
 */
class OneUrlIT {

    private static final String NEUTRAL = "{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}";
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @TempDir
    Path auditDir;

    @TempDir
    Path tomcatBase;

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The group fixture, sent today with the given serverMsgID. */
    private static byte[] groupMessage(String serverMsgID) {
        long now = TODAY.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        return new String(Fixtures.bytes("other/after-group-text.json"), StandardCharsets.UTF_8)
                .replace("7c1e9a04d2b34f6a8e5d1c0b9a8f7e6d", serverMsgID)
                .replace("1746797900123", Long.toString(now)).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject stats(DeployedWar war) throws Exception {
        JsonObject doc = CompleteStats.await(() -> {
            HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/stats")).GET());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        });
        return Json.createObjectBuilder(doc).remove("generatedAt").build();
    }

    @Test
    void groupMessagesAreArchivedDeduplicatedAndCountedOnBothUrlForms() throws Exception {
        JsonObject before;
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of())) {
            HttpResponse<String> first = war.post(DeployedWar.CONTEXT + "/callbackAfterSendGroupMsgCommand",
                    groupMessage("g-1"), "group-1");
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(NEUTRAL, first.body());
            assertEquals(200, war.post(DeployedWar.CONTEXT + "/?command=callbackAfterSendGroupMsgCommand",
                    groupMessage("g-2"), "group-2").statusCode());
            assertEquals(200, war.post(DeployedWar.CONTEXT + "/callbackAfterSendGroupMsgCommand",
                    groupMessage("g-1"), "group-1-again").statusCode());
            // a group body posted as a one-to-one message is refused, as any body of the wrong command
            assertEquals(400, war.post(DeployedWar.COMMAND_PATH, groupMessage("g-3"), "group-as-single").statusCode());
            // and a notification is archived, counted apart
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, Fixtures.bytes("good/notification-1201.json"),
                    "notification").statusCode());

            JsonObject record = war.auditRecord("group-1");
            assertEquals("accepted", record.getString("outcome"));
            assertEquals("3187654321", record.getJsonObject("msg").getString("groupID"));
            assertEquals("callbackAfterSendGroupMsgCommand", record.getJsonObject("msg").getString("callbackCommand"));
            assertTrue(war.auditRecord("group-1-again").getBoolean("duplicate"));
            assertEquals(400, war.auditRecord("group-as-single").getInt("status"));

            before = stats(war);
            JsonObject total = before.getJsonObject("total");
            assertEquals(2, total.getInt("messages"));
            assertEquals(1, total.getInt("duplicates"));
            assertEquals(1, total.getInt("notifications"));
            assertEquals(json("{\"group\":2}"), total.getJsonObject("byConversationKind"));
            assertEquals(json("{\"count\":1,\"exact\":true}"), total.getJsonObject("groups"));
            assertEquals(json("{\"count\":1,\"exact\":true}"), total.getJsonObject("senders"));
            assertEquals(json("{\"count\":0,\"exact\":true}"), total.getJsonObject("receivers"));
            assertEquals(json("{\"count\":1,\"exact\":true}"), total.getJsonObject("conversations"));
            assertEquals(2, before.getJsonObject("byDay").getJsonObject(TODAY.toString()).getInt("messages"));
        }
        try (DeployedWar restarted = DeployedWar.deploy(auditDir, Map.of())) {
            JsonObject after = stats(restarted);
            // the restarted WAR's own check is one more 404; the rest is what it was
            assertEquals(before.getJsonObject("total").getJsonObject("byConversationKind"),
                    after.getJsonObject("total").getJsonObject("byConversationKind"));
            assertEquals(json("{\"400\":1,\"404\":2}"), after.getJsonObject("total").getJsonObject("refused"));
            assertEquals(Json.createObjectBuilder(before.getJsonObject("total")).remove("refused").build(),
                    Json.createObjectBuilder(after.getJsonObject("total")).remove("refused").build());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, AuditTool.run(new String[] {"summary", auditDir.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
            assertEquals(stats(restarted), Json.createObjectBuilder(json(out.toString(StandardCharsets.UTF_8)))
                    .remove("generatedAt").build());
        }
    }

    @Test
    void everyOtherCommandGetsTheNeutralReplyAndOnePassedRecord() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of())) {
            record Sent(String path, byte[] body, String contentType, String operationID, String command) {
            }
            List<Sent> sent = List.of(
                    new Sent("/callbackBeforeSendSingleMsgCommand", Fixtures.bytes("other/before-single-text.json"),
                            "application/json; charset=utf-8", "before", "callbackBeforeSendSingleMsgCommand"),
                    new Sent("/?command=callbackBeforeSendSingleMsgCommand", Fixtures.bytes("other/before-single-text.json"),
                            "application/json; charset=utf-8", "before-legacy", "callbackBeforeSendSingleMsgCommand"),
                    new Sent("/callbackUserOnlineCommand", Fixtures.bytes("other/user-online.json"),
                            "application/json; charset=utf-8", "online", "callbackUserOnlineCommand"),
                    new Sent("/CallbackAfterJoinGroupCommand", "{}".getBytes(StandardCharsets.UTF_8),
                            "application/json", "join", "CallbackAfterJoinGroupCommand"),
                    new Sent("/callbackSomethingNewInOpenIm4Command", "{\"x\":1}".getBytes(StandardCharsets.UTF_8),
                            "application/json", "unknown", "callbackSomethingNewInOpenIm4Command"),
                    new Sent("/callbackBeforeSendGroupMsgCommand", "not JSON \u0000 at all".getBytes(StandardCharsets.UTF_8),
                            "text/plain", "not-json", "callbackBeforeSendGroupMsgCommand"));
            for (Sent s : sent) {
                HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + s.path()))
                        .header("Content-Type", s.contentType()).header("operationID", s.operationID())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(s.body())));
                assertEquals(200, r.statusCode(), s.path() + " " + r.body());
                assertEquals(NEUTRAL, r.body(), s.path());
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
                JsonObject record = war.auditRecord(s.operationID());
                assertEquals("passed", record.getString("outcome"));
                assertEquals(200, record.getInt("status"));
                assertEquals(s.command(), record.getString("command"));
                assertEquals(s.body().length, record.getInt("bodyBytes"));
                assertEquals(new String(s.body(), StandardCharsets.UTF_8), record.getString("body"));
                assertFalse(record.containsKey("msg"));
            }
            JsonObject total = stats(war).getJsonObject("total");
            assertEquals(json("{\"CallbackAfterJoinGroupCommand\":1,\"callbackBeforeSendGroupMsgCommand\":1,"
                    + "\"callbackBeforeSendSingleMsgCommand\":2,\"callbackSomethingNewInOpenIm4Command\":1,"
                    + "\"callbackUserOnlineCommand\":1}"), total.getJsonObject("passed"));
            assertEquals(0, total.getInt("messages"));

            // what still applies: the method, the body limit
            HttpResponse<String> get = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/callbackUserOnlineCommand")).GET());
            assertEquals(405, get.statusCode());
            byte[] large = new byte[(1 << 20) + 1];
            Arrays.fill(large, (byte) ' ');
            assertEquals(413, war.post(DeployedWar.CONTEXT + "/callbackBeforeSendSingleMsgCommand", large, "too-large").statusCode());
            assertEquals(413, war.auditRecord("too-large").getInt("status"));

            printAddedLatency(war);
        }
    }

    /** A "before" command holds up the user's message while OpenIM waits: what the receiver adds to it. */
    private static void printAddedLatency(DeployedWar war) throws Exception {
        byte[] before = Fixtures.bytes("other/before-single-text.json");
        long[] passed = new long[1000];
        long[] accepted = new long[1000];
        for (int i = -200; i < passed.length; i++) {
            long start = System.nanoTime();
            assertEquals(200, war.post(DeployedWar.CONTEXT + "/callbackBeforeSendSingleMsgCommand", before, "latency-b" + i).statusCode());
            long middle = System.nanoTime();
            byte[] message = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                    .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", "latency-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message, "latency-a" + i).statusCode());
            long end = System.nanoTime();
            if (i >= 0) {
                passed[i] = middle - start;
                accepted[i] = end - middle;
            }
        }
        Arrays.sort(passed);
        Arrays.sort(accepted);
        System.out.printf("one URL, embedded Jetty, one sender, 1,000 each after 200 warm-up: before-command passed p50 %.3f ms"
                        + " p99 %.3f ms; one-to-one message accepted p50 %.3f ms p99 %.3f ms%n",
                passed[500] / 1e6, passed[990] / 1e6, accepted[500] / 1e6, accepted[990] / 1e6);
    }

    @Test
    void withAPathTokenNothingIsServedWithoutItAndNoFileOrLogHoldsIt() throws Exception {
        String token = "Zq7-Kp2xW9_mR4tLbV8nC3dF";
        String retired = "old-token-still-valid-for-rotation";
        String app = "/" + TomcatServer.APP;
        try (TomcatServer tomcat = TomcatServer.start(TomcatServer.home("tomcat10.home"), tomcatBase, Map.of())) {
            // in the context file, as README says: Tomcat logs every -D system property when it starts
            Files.writeString(tomcatBase.resolve("conf/Catalina/localhost/" + TomcatServer.APP + ".xml"),
                    "<Context><Parameter name=\"callback.pathToken\" value=\"" + token + ", " + retired + "\"/></Context>");
            tomcat.deploy();
            assertTrue(tomcat.log().contains("callback.pathToken=*** (context parameter)"), tomcat.log());
            // without the token, or with a wrong one: 404, whatever the command
            for (String path : List.of(app + "/callbackAfterSendSingleMsgCommand", app + "/?command=callbackAfterSendSingleMsgCommand",
                    app + "/not-the-token-at-all-xxxxxx/callbackAfterSendSingleMsgCommand",
                    app + "/callbackUserOnlineCommand", app + "/x/" + token + "/callbackAfterSendSingleMsgCommand")) {
                HttpResponse<String> r = CallbackPost.post(tomcat.uri(path), Fixtures.bytes("good/v3.8-text.json"), "no-token");
                assertEquals(404, r.statusCode(), path);
                assertFalse(r.body().contains(token), r.body());
            }
            // with either token: served
            assertEquals(200, CallbackPost.post(tomcat.uri(app + "/" + token + "/callbackAfterSendSingleMsgCommand"),
                    Fixtures.bytes("good/v3.8-text.json"), "with-token").statusCode());
            assertEquals(200, CallbackPost.post(tomcat.uri(app + "/" + retired + "?command=callbackAfterSendGroupMsgCommand"),
                    Fixtures.bytes("other/after-group-text.json"), "with-retired-token").statusCode());
            assertEquals(200, CallbackPost.post(tomcat.uri(app + "/" + token + "/callbackUserOnlineCommand"),
                    Fixtures.bytes("other/user-online.json"), "passed-with-token").statusCode());
            // refused behind the token, in any spelling of it: the record names the path without it
            HttpResponse<String> refused = CallbackPost.post(tomcat.uri(app + "/%5A" + token.substring(1)
                    + "/callbackAfterSendSingleMsgCommand?t=" + token), "[]".getBytes(StandardCharsets.UTF_8), "refused-with-token");
            assertEquals(400, refused.statusCode(), refused.body());
        }
        List<String> holding = new ArrayList<>();
        // every log and audit file; the context file that holds the tokens is the operator's
        try (Stream<Path> files = Files.walk(tomcatBase.resolve("logs"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = read(file);
                if (text.contains(token) || text.contains(retired) || text.contains(token.substring(1))) {
                    holding.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), holding, "files that hold a path token");
        String audit = read(tomcatBase.resolve("logs/openim-audit/audit.jsonl"));
        assertEquals(9, audit.lines().count(), "five 404s, two messages, a passed webhook and a 400: " + audit);
        assertTrue(audit.contains("\"uri\":\"" + "/" + TomcatServer.APP + "/***/callbackAfterSendSingleMsgCommand?t=***\""), audit);
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
