package org.openimarchive.receiver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.junit.jupiter.api.Test;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.callback.CallbackParser;

class AuditLineFormatTest {

    private static final Instant TIME = Instant.parse("2026-11-26T15:06:52.120Z");
    private final CallbackParser parser = new CallbackParser();

    private ParsedCallback msg(String fixture) throws Exception {
        return parser.parse(Fixtures.bytes(fixture));
    }

    /** The fixture's body as a JSON-P tree. */
    private static JsonObject body(String fixture) throws Exception {
        return read(new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8));
    }

    private static JsonObject read(String line) {
        return Json.createReader(new StringReader(line)).readObject();
    }

    @Test
    void acceptedRecordHasTheFixedKeysAndTheMessageAsReceived() throws Exception {
        String line = new AuditLineFormat(ContentMode.FULL).accepted(TIME, "127.0.0.1", "op-1", msg("good/v3.8-text.json"));
        String body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8).strip();
        assertEquals("{\"time\":\"2026-11-26T15:06:52.120Z\",\"outcome\":\"accepted\",\"status\":200,"
                + "\"remoteAddr\":\"127.0.0.1\",\"operationID\":\"op-1\",\"msg\":" + body + "}", line);
    }

    @Test
    void timeIsTheSameAsTheFormattersForEveryMillisecondAndSecondInAnyOrder() throws Exception {
        java.time.format.DateTimeFormatter formatter = java.time.format.DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);
        AuditLineFormat format = new AuditLineFormat(ContentMode.OMIT);
        ParsedCallback msg = msg("good/v3.8-text.json");
        java.util.List<Instant> times = new java.util.ArrayList<>();
        for (long ms = 0; ms < 2000; ms++) {
            times.add(TIME.plusMillis(ms)); // every millisecond of two seconds, in order
        }
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            // back and forth across seconds, with nanoseconds, before 1970 and past 9999
            times.add(Instant.ofEpochSecond(random.nextLong(-3_000_000_000L, 300_000_000_000L), random.nextInt(1_000_000_000)));
        }
        for (Instant time : times) {
            String line = format.accepted(time, "::1", null, msg);
            assertEquals("\"" + formatter.format(time) + "\"", line.substring(8, line.indexOf(",\"outcome\"")), time.toString());
        }
    }

    @Test
    void timeAlwaysHasMilliseconds() throws Exception {
        String line = new AuditLineFormat(ContentMode.FULL).accepted(
                Instant.parse("2026-01-02T03:04:05Z"), "::1", null, msg("good/v3.8-text.json"));
        assertTrue(line.startsWith("{\"time\":\"2026-01-02T03:04:05.000Z\","), line);
        assertEquals(JsonObject.NULL, read(line).get("operationID"));
    }

    @Test
    void keepsUnknownKeysAndUnicode() throws Exception {
        JsonObject record = read(new AuditLineFormat(ContentMode.FULL).accepted(TIME, "127.0.0.1", "x",
                msg("good/future-unknown-fields.json")));
        assertEquals(body("good/future-unknown-fields.json"), record.getJsonObject("msg"));
        JsonObject unicode = read(new AuditLineFormat(ContentMode.FULL).accepted(TIME, "127.0.0.1", "x",
                msg("good/unicode-and-escapes.json")));
        assertEquals(body("good/unicode-and-escapes.json"), unicode.getJsonObject("msg"));
    }

    @Test
    void sha256ModeReplacesTheContentWithItsHash() throws Exception {
        JsonObject msg = read(new AuditLineFormat(ContentMode.SHA256).accepted(TIME, "127.0.0.1", "x",
                msg("good/v3.8-text.json"))).getJsonObject("msg");
        // sha256sum of the UTF-8 bytes of {"content":"aaaa"}
        assertEquals("sha256:7c4d57e79fee07a96d2c8d39d163b16029e5e48c0b697aedc0efb1db05f0119a", msg.getString("content"));
        assertEquals("10000", msg.getString("sendID"));
    }

    @Test
    void aDuplicateIsMarkedAfterTheMessage() throws Exception {
        String line = AuditLineFormat.markDuplicate(
                new AuditLineFormat(ContentMode.FULL).accepted(TIME, "127.0.0.1", "op-1", msg("good/v3.8-text.json")));
        assertTrue(line.endsWith("\"recvID\":\"19997\"},\"duplicate\":true}"), line);
        assertTrue(read(line).getBoolean("duplicate"));
    }

    @Test
    void omitModeRemovesTheContentKey() throws Exception {
        JsonObject msg = read(new AuditLineFormat(ContentMode.OMIT).accepted(TIME, "127.0.0.1", "x",
                msg("good/v3.8-text.json"))).getJsonObject("msg");
        assertFalse(msg.containsKey("content"));
        assertEquals(18, msg.size());
    }

    @Test
    void rejectedRecordNamesTheReasonAndTheBody() {
        String line = new AuditLineFormat(ContentMode.FULL).rejected(new RejectedRequest(TIME, 415, "10.0.0.1", null,
                "POST", "/cb/callbackAfterSendSingleMsgCommand", "Content-Type text/plain is not application/json",
                3L, "abc"));
        assertEquals("{\"time\":\"2026-11-26T15:06:52.120Z\",\"outcome\":\"rejected\",\"status\":415,"
                + "\"remoteAddr\":\"10.0.0.1\",\"operationID\":null,\"method\":\"POST\","
                + "\"uri\":\"/cb/callbackAfterSendSingleMsgCommand\","
                + "\"error\":\"Content-Type text/plain is not application/json\",\"bodyBytes\":3,\"bodySha256\":\"abc\"}", line);
    }

    @Test
    void hostileValuesStayInsideOneLine() {
        String hostile = "a\nb\r\u2028\u2029\u001b[2J\u0000\"}{";
        String line = new AuditLineFormat(ContentMode.FULL).rejected(new RejectedRequest(TIME, 400, hostile, hostile,
                hostile, hostile, hostile, null, null));
        assertEquals(1, line.lines().count());
        assertFalse(line.contains("\u2028") || line.contains("\u001b"));
        JsonObject record = read(line);
        assertEquals(hostile, record.getString("operationID"));
        assertEquals(hostile, record.getString("error"));
        assertEquals(JsonObject.NULL, record.get("bodyBytes"));
    }

    @Test
    void sha256HexIsTheStandardDigest() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AuditLineFormat.sha256Hex(new byte[0]));
    }

    @Test
    void aPassedRecordKeepsTheCommandAndWhatTheContentModeAllowsOfTheBody() {
        byte[] body = Fixtures.bytes("other/before-single-text.json");
        JsonObject full = read(new AuditLineFormat(ContentMode.FULL).passed(TIME, "127.0.0.1", "op-b",
                "callbackBeforeSendSingleMsgCommand", body));
        assertEquals("passed", full.getString("outcome"));
        assertEquals(200, full.getInt("status"));
        assertEquals("callbackBeforeSendSingleMsgCommand", full.getString("command"));
        assertEquals(body.length, full.getInt("bodyBytes"));
        assertEquals(AuditLineFormat.sha256Hex(body), full.getString("bodySha256"));
        assertEquals(new String(body, StandardCharsets.UTF_8), full.getString("body"));
        for (ContentMode mode : new ContentMode[] {ContentMode.SHA256, ContentMode.OMIT}) {
            JsonObject record = read(new AuditLineFormat(mode).passed(TIME, "127.0.0.1", "op-b", "callbackX1Command", body));
            assertFalse(record.containsKey("body"), mode.toString());
            assertEquals(AuditLineFormat.sha256Hex(body), record.getString("bodySha256"));
        }
        String notUtf8 = new AuditLineFormat(ContentMode.FULL).passed(TIME, null, null, "callbackX1Command",
                new byte[] {'{', (byte) 0xff, '}'});
        assertTrue(read(notUtf8).isNull("body"), notUtf8);
        assertFalse(notUtf8.contains("\n"));
    }
}
