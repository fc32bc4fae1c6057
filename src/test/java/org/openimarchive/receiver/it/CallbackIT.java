package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openimarchive.receiver.Fixtures;

/** Real HTTP to the real WAR on Jetty 12, with the default configuration; the real audit file read back. */
class CallbackIT {

    private static final String SUCCESS = "{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}";

    @TempDir
    static Path auditDir;
    static DeployedWar war;

    @BeforeAll
    static void deploy() throws Exception {
        war = DeployedWar.deploy(auditDir, Map.of());
    }

    @AfterAll
    static void undeploy() throws Exception {
        war.close();
    }

    private static String newOperationID() {
        return "it-" + UUID.randomUUID();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Checks a refusal: the status, a JSON error reply in OpenIM's shape, and its one audit record. */
    private static JsonObject assertRefused(HttpResponse<String> response, int status, String phrase,
                                            String operationID) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonObject reply = json(response.body());
        assertEquals(List.of("actionCode", "errCode", "errMsg", "errDlt", "nextCode"), List.copyOf(reply.keySet()));
        assertEquals(1, reply.getInt("actionCode"));
        assertEquals(status, reply.getInt("errCode"));
        assertEquals(phrase, reply.getString("errMsg"));
        assertFalse(reply.getString("errDlt").isEmpty());
        JsonObject record = war.auditRecord(operationID);
        assertEquals("rejected", record.getString("outcome"));
        assertEquals(status, record.getInt("status"));
        assertEquals(reply.getString("errDlt"), record.getString("error"));
        assertEquals("127.0.0.1", record.getString("remoteAddr"));
        return record;
    }

    static Stream<Path> good() {
        return Fixtures.good().stream();
    }

    static Stream<Path> bad() {
        return Fixtures.bad().stream();
    }

    @ParameterizedTest
    @MethodSource("good")
    void acceptsAndRecordsEveryGoodFixture(Path fixture) throws Exception {
        byte[] body = Fixtures.bytes(fixture);
        String operationID = newOperationID();
        Instant before = Instant.now().minusMillis(1);
        HttpResponse<String> response = war.post(DeployedWar.COMMAND_PATH, body, operationID);

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(SUCCESS, response.body());
        JsonObject record = war.auditRecord(operationID);
        // other tests post some fixtures too: a second copy is recorded as a duplicate
        List<String> keys = new java.util.ArrayList<>(List.of("time", "outcome", "status", "remoteAddr", "operationID", "msg"));
        if (record.getBoolean("duplicate", false)) {
            keys.add("duplicate");
        }
        keys.addAll(List.of("seq", "hash"));
        assertEquals(keys, List.copyOf(record.keySet()));
        assertTrue(record.getString("hash").matches("[0-9a-f]{64}"));
        assertEquals("accepted", record.getString("outcome"));
        assertEquals(200, record.getInt("status"));
        assertEquals("127.0.0.1", record.getString("remoteAddr"));
        Instant time = Instant.parse(record.getString("time"));
        assertTrue(!time.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)) && !time.isAfter(Instant.now()), time.toString());
        assertTrue(record.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        // every key as received, unknown keys included, values unchanged
        JsonObject sent = json(new String(body, StandardCharsets.UTF_8));
        assertEquals(sent, record.getJsonObject("msg"));
        assertEquals(List.copyOf(sent.keySet()), List.copyOf(record.getJsonObject("msg").keySet()));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refusesAndRecordsEveryBadFixture(Path fixture) throws Exception {
        byte[] body = Fixtures.bytes(fixture);
        String operationID = newOperationID();
        JsonObject record = assertRefused(war.post(DeployedWar.COMMAND_PATH, body, operationID),
                400, "invalid callback", operationID);
        assertEquals(body.length, record.getInt("bodyBytes"));
        assertEquals(sha256(body), record.getString("bodySha256"));
        assertEquals("POST", record.getString("method"));
        assertEquals(DeployedWar.COMMAND_PATH, record.getString("uri"));
        assertFalse(record.containsKey("msg"));
    }

    @Test
    void namesTheFaultOfABadBody() throws Exception {
        String operationID = newOperationID();
        HttpResponse<String> response = war.post(DeployedWar.COMMAND_PATH,
                Fixtures.bytes("bad/int32-overflow.json"), operationID);
        assertRefused(response, 400, "invalid callback", operationID);
        assertEquals("senderPlatformID: 99999999999 is out of range for int32", json(response.body()).getString("errDlt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        DeployedWar.CONTEXT + "/?command=callbackAfterSendSingleMsgCommand",
        DeployedWar.CONTEXT + "?command=callbackAfterSendSingleMsgCommand",
        DeployedWar.CONTEXT + "/?contenttype=json&command=callbackAfterSendSingleMsgCommand",
        DeployedWar.CONTEXT + "/callbackAfterSendSingleMsgCommand?key=eyJzZW5kSUQiOiJhIn0%3D&contenttype=json",
    })
    void acceptsEveryWayOpenImAddressesTheCommand(String pathAndQuery) throws Exception {
        String operationID = newOperationID();
        HttpResponse<String> response = war.post(pathAndQuery, Fixtures.bytes("good/v3.8-text.json"), operationID);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(SUCCESS, response.body());
        assertEquals("accepted", war.auditRecord(operationID).getString("outcome"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        DeployedWar.CONTEXT + "/",
        DeployedWar.CONTEXT + "/?command=not-a-command",
        DeployedWar.CONTEXT + "/callbackAfterSendSingleMsg",
        DeployedWar.CONTEXT + "/callbackAfterSendSingleMsgCommand/extra",
        DeployedWar.CONTEXT + "/x.jsp",
        DeployedWar.CONTEXT + "/callbackAfterSendSingleMsgCommand.jspx",
    })
    void refusesPathsThatNameNoCommandWith404(String pathAndQuery) throws Exception {
        String operationID = newOperationID();
        assertRefused(war.post(pathAndQuery, Fixtures.bytes("good/v3.8-text.json"), operationID),
                404, "unknown command", operationID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void refusesOtherMethodsWith405AndAllowPost(String method) throws Exception {
        String operationID = newOperationID();
        HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("operationID", operationID)
                .method(method, HttpRequest.BodyPublishers.noBody()));
        assertRefused(response, 405, "method not allowed", operationID);
        assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json; charset=iso-8859-1", "application/x-www-form-urlencoded", ""})
    void refusesOtherContentTypesWith415(String contentType) throws Exception {
        String operationID = newOperationID();
        HttpRequest.Builder request = HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("operationID", operationID)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("good/v3.8-text.json")));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        assertRefused(war.send(request), 415, "unsupported content type", operationID);
    }

    @Test
    void acceptsContentTypeInAnyCase() throws Exception {
        String operationID = newOperationID();
        HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("Content-Type", "Application/JSON;Charset=\"UTF-8\"")
                .header("operationid", operationID)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("good/v3.8-text.json"))));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("accepted", war.auditRecord(operationID).getString("outcome"));
    }

    @Test
    void refusesADeclaredOversizedBodyBeforeItIsSent() throws Exception {
        String operationID = newOperationID();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), war.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + DeployedWar.COMMAND_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\noperationID: " + operationID + "\r\n"
                    + "Content-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // no body is sent: the answer must come anyway
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        }
        JsonObject record = war.auditRecord(operationID);
        assertEquals(413, record.getInt("status"));
        assertEquals(2_000_000, record.getInt("bodyBytes"));
        assertTrue(record.isNull("bodySha256"));
    }

    @Test
    void refusesAChunkedBodyOnceItPassesTheLimit() throws Exception {
        String operationID = newOperationID();
        byte[] big = new byte[3 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("Content-Type", "application/json")
                .header("operationID", operationID)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        JsonObject record = assertRefused(response, 413, "body too large", operationID);
        assertEquals((1 << 20) + 1, record.getInt("bodyBytes"));
    }

    @Test
    void xForwardedForChangesNothing() throws Exception {
        String operationID = newOperationID();
        HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", "203.0.113.7")
                .header("operationID", operationID)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("good/v3.8-text.json"))));
        assertEquals(200, response.statusCode());
        assertEquals("127.0.0.1", war.auditRecord(operationID).getString("remoteAddr"));
    }

    @Test
    void takesTheOperationIdFromTheBodyWhenTheHeaderIsMissing() throws Exception {
        HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("good/rest-admin-send.json"))));
        assertEquals(200, response.statusCode());
        assertEquals("customer-7", war.auditRecord("rest-1700000000").getJsonObject("msg").getString("recvID"));
    }

    @Test
    void aMalformedQueryIsAnUnknownCommand() throws Exception {
        String operationID = newOperationID();
        DeployedWar.RawResponse response = war.raw(("POST " + DeployedWar.CONTEXT + "/?command=%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\noperationID: " + operationID + "\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.UTF_8));
        assertEquals(404, response.status());
        assertEquals("command %zz is not handled here", json(response.body()).getString("errDlt"));
        assertEquals(404, war.auditRecord(operationID).getInt("status"));
    }

    @Test
    void hostileHeadersAndPathsStayInsideOneAuditLine() throws Exception {
        String operationID = newOperationID();
        String hostile = operationID + "\u0085\u009b\u00ff\"}{";
        DeployedWar.RawResponse response = war.raw(("POST " + DeployedWar.CONTEXT + "/%E2%80%A8%22%7D HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\noperationID: " + hostile + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(404, response.status());
        String line = auditLineWith(operationID);
        assertFalse(line.contains("\u2028") || line.contains("\u0085") || line.contains("\u009b"), line);
        JsonObject record = json(line);
        assertEquals(hostile, record.getString("operationID"));
        assertEquals(DeployedWar.CONTEXT + "/%E2%80%A8%22%7D", record.getString("uri"));
        assertTrue(record.getString("error").startsWith("path /\u2028\"} is not handled here"), record.getString("error"));
    }

    @Test
    void hostileMessageTextStaysInsideOneAuditLine() throws Exception {
        String operationID = newOperationID();
        String nickname = "\u001b[2J\u001b]0;pwned\u0007 line\nbreak \u2028 \u2029 \u0000 \u007f";
        String body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                .replace("\"senderNickname\":\"xxxx\"", "\"senderNickname\":" + jsonString(nickname));
        assertEquals(200, war.post(DeployedWar.COMMAND_PATH, body.getBytes(StandardCharsets.UTF_8), operationID).statusCode());
        String line = auditLineWith(operationID);
        assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029), line);
        assertEquals(nickname, json(line).getJsonObject("msg").getString("senderNickname"));
    }

    private static String jsonString(String s) {
        return Json.createValue(s).toString();
    }

    private static String auditLineWith(String operationID) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(auditDir.resolve("audit.jsonl")).stream()
                .filter(l -> l.contains(operationID)).toList();
        assertEquals(1, lines.size());
        return lines.get(0);
    }

    @Test
    void whatTheContainerRefusesInsideTheWarIsAnsweredInJsonAndRecorded() throws Exception {
        for (String method : new String[] {"GET", "POST"}) {
            for (String path : new String[] {"/WEB-INF/web.xml", "/META-INF/context.xml"}) {
                String operationID = newOperationID();
                HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + path))
                        .header("operationID", operationID).method(method, HttpRequest.BodyPublishers.ofString("{}")));
                assertEquals(404, response.statusCode(), method + " " + path);
                assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
                assertEquals("{\"actionCode\":1,\"errCode\":404,\"errMsg\":\"unknown command\","
                        + "\"errDlt\":\"refused by the servlet container\",\"nextCode\":0}", response.body());
                JsonObject record = war.auditRecord(operationID);
                assertEquals(404, record.getInt("status"));
                assertEquals(method, record.getString("method"));
                assertEquals(DeployedWar.CONTEXT + path, record.getString("uri"));
                assertEquals("refused by the servlet container", record.getString("error"));
            }
        }
    }

    @Test
    void aBrokenChunkedBodyIsRecordedWithTheDetailItWasAnswered() throws Exception {
        String operationID = newOperationID();
        DeployedWar.RawResponse response = war.raw(("POST " + DeployedWar.COMMAND_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\noperationID: " + operationID + "\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n2\r\n{}\r\nzz\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, response.status(), response.body());
        JsonObject record = war.auditRecord(operationID);
        assertEquals(400, record.getInt("status"));
        // README promises that a record's error is the errDlt sent
        assertEquals(json(response.body()).getString("errDlt"), record.getString("error"));
    }

    /** Reads a response's status line and headers. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
