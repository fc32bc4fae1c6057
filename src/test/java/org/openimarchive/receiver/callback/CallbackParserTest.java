package org.openimarchive.receiver.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.json.JsonText;

class CallbackParserTest {

    private final CallbackParser parser = new CallbackParser();

    /** The v3.8 text fixture, key by key, each value as raw JSON. */
    private static final String[][] TEXT = {
        {"sendID", "\"10000\""}, {"callbackCommand", "\"callbackAfterSendSingleMsgCommand\""},
        {"serverMsgID", "\"0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6\""}, {"clientMsgID", "\"f4ff0a9c2d7b4e1f8a3c6b9d0e2f4a1c\""},
        {"operationID", "\"37a6e0d1c4b7\""}, {"senderPlatformID", "5"}, {"senderNickname", "\"xxxx\""},
        {"sessionType", "1"}, {"msgFrom", "100"}, {"contentType", "101"}, {"status", "1"},
        {"sendTime", "1746797848316"}, {"createTime", "1746797847589"},
        {"content", "\"{\\\"content\\\":\\\"aaaa\\\"}\""}, {"seq", "0"}, {"atUserList", "null"},
        {"faceURL", "\"https://cdn.example.com/face/10000.png\""}, {"ex", "\"\""}, {"recvID", "\"19997\""},
    };

    /** The v3.8 text fixture with the value of {@code key} replaced by raw JSON. */
    private static byte[] textWith(String key, String rawValue) {
        StringBuilder body = new StringBuilder("{");
        boolean found = false;
        for (String[] pair : TEXT) {
            boolean match = pair[0].equals(key);
            found |= match;
            body.append(body.length() > 1 ? "," : "").append('"').append(pair[0]).append("\":")
                    .append(match ? rawValue : pair[1]);
        }
        if (!found) {
            throw new IllegalArgumentException("no key " + key);
        }
        return utf8(body.append("}\n").toString());
    }

    @Test
    void theTemplateIsTheFixture() throws Exception {
        assertEquals(parser.parse(Fixtures.bytes("good/v3.8-text.json")),
                parser.parse(textWith("sendID", "\"10000\"")));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String refusal(byte[] body) {
        return assertThrows(InvalidCallbackException.class, () -> parser.parse(body)).getMessage();
    }

    static Stream<Path> good() {
        return Fixtures.good().stream();
    }

    @ParameterizedTest
    @MethodSource("good")
    void acceptsEveryGoodFixture(Path fixture) throws Exception {
        ParsedCallback parsed = parser.parse(Fixtures.bytes(fixture));
        assertEquals(MessageKind.SINGLE.command(), parsed.callback().callbackCommand());
        assertFalse(parsed.callback().sendID().isEmpty());
        assertFalse(parsed.callback().recvID().isEmpty());
    }

    @Test
    void bindsAGroupMessageWithItsGroupID() throws Exception {
        MsgCallback c = parser.parse(Fixtures.bytes("other/after-group-text.json"), MessageKind.GROUP).callback();
        assertEquals(MessageKind.GROUP, c.kind());
        assertEquals("3187654321", c.groupID());
        assertNull(c.recvID());
        assertEquals(3, c.sessionType());
        assertEquals("7c1e9a04d2b34f6a8e5d1c0b9a8f7e6d", c.serverMsgID());
    }

    @ParameterizedTest
    @MethodSource("good")
    void everyGoodFixtureRewrittenAsAGroupMessageIsAcceptedWithTheSameValues(Path fixture) throws Exception {
        MsgCallback single = parser.parse(Fixtures.bytes(fixture)).callback();
        ParsedCallback group = parser.parse(Fixtures.asGroup(Fixtures.bytes(fixture)), MessageKind.GROUP);
        assertEquals(new MsgCallback(single.sendID(), MessageKind.GROUP.command(), single.serverMsgID(),
                single.clientMsgID(), single.operationID(), single.senderPlatformID(), single.senderNickname(), 3,
                single.msgFrom(), single.contentType(), single.status(), single.sendTime(), single.createTime(),
                single.content(), single.seq(), single.atUserList(), single.faceURL(), single.ex(), single.groupID(),
                single.recvID()), group.callback());
        assertTrue(group.json().text().contains("\"groupID\":"), group.json().text());
    }

    @ParameterizedTest
    @MethodSource("bad")
    void everyBadFixtureRewrittenAsAGroupMessageIsStillRefused(String fixture, String message) {
        String refusal = assertThrows(InvalidCallbackException.class,
                () -> parser.parse(Fixtures.asGroup(Fixtures.bytes(fixture)), MessageKind.GROUP)).getMessage();
        // the same fault; a syntax error's column moves with the keys' lengths
        assertEquals(message.replace("callbackAfterSendSingleMsgCommand", "callbackAfterSendGroupMsgCommand")
                .replaceAll("column \\d+", "column N"), refusal.replaceAll("column \\d+", "column N"));
    }

    @Test
    void eachCommandHasItsOwnRules() {
        byte[] group = Fixtures.bytes("other/after-group-text.json");
        assertEquals("callbackCommand: expected \"callbackAfterSendSingleMsgCommand\", got \"callbackAfterSendGroupMsgCommand\"",
                refusal(group));
        byte[] groupToAUser = new String(Fixtures.asGroup(Fixtures.bytes("good/v3.8-text.json")), StandardCharsets.UTF_8)
                .replace("\"groupID\"", "\"recvID\"").getBytes(StandardCharsets.UTF_8);
        assertEquals("groupID: missing", assertThrows(InvalidCallbackException.class,
                () -> parser.parse(groupToAUser, MessageKind.GROUP)).getMessage());
        assertEquals("groupID: expected a string, got a number", refusal(textWith("ex", "\"\",\"groupID\":5")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":|1|6", "{|1|2", "{\"a\":1,|1|8", "{\"a\":1}x|1|8", "{\"a\":tru}|1|9", "{\"sendID\":\"x\",\\n\"b\":|2|5"})
    void aSyntaxErrorNamesWhereItIs(String body, int line, int column) {
        // a body that ends too soon is at fault just after its last character, not past it
        assertEquals("body is not valid JSON (line " + line + ", column " + column + ")",
                refusal(utf8(body.replace("\\n", "\n"))));
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("bad/array-not-object.json", "body is an array, not a JSON object"),
                Arguments.of("bad/int32-overflow.json", "senderPlatformID: 99999999999 is out of range for int32"),
                Arguments.of("bad/invalid-utf8.bin", "body is not valid UTF-8"),
                Arguments.of("bad/missing-sendID.json", "sendID: missing"),
                Arguments.of("bad/not-json.txt", "body is not valid JSON (line 1, column 2)"),
                Arguments.of("bad/truncated.json", "body is not valid JSON (line 1, column 117)"),
                Arguments.of("bad/wrong-callbackCommand.json",
                        "callbackCommand: expected \"callbackAfterSendSingleMsgCommand\", got \"callbackBeforeSendSingleMsgCommand\""),
                Arguments.of("bad/wrong-type-sessionType.json", "sessionType: expected a number, got a string"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refusesEveryBadFixtureWithItsReason(String fixture, String message) {
        assertEquals(message, refusal(Fixtures.bytes(fixture)));
    }

    @Test
    void everyBadFixtureHasAnExpectedReason() {
        assertEquals(Fixtures.bad().size(), bad().count());
    }

    @Test
    void bindsEveryFieldOfAGoEncodedBody() throws Exception {
        MsgCallback c = parser.parse(Fixtures.bytes("good/v3.8-text.json")).callback();
        assertEquals(new MsgCallback("10000", MessageKind.SINGLE.command(), "0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6",
                "f4ff0a9c2d7b4e1f8a3c6b9d0e2f4a1c", "37a6e0d1c4b7", 5, "xxxx", 1, 100, 101, 1,
                1746797848316L, 1746797847589L, "{\"content\":\"aaaa\"}", 0, List.of(),
                "https://cdn.example.com/face/10000.png", "", "19997", null), c);
    }

    @Test
    void sendTimeIsAbsentBeforeOpenIm381() throws Exception {
        MsgCallback c = parser.parse(Fixtures.bytes("good/v3.7-no-sendTime.json")).callback();
        assertNull(c.sendTime());
        assertEquals(1690000000000L, c.createTime());
    }

    @Test
    void atUserListKeepsItsUsersAndNullMeansEmpty() throws Exception {
        assertEquals(List.of("user456", "user789"),
                parser.parse(Fixtures.bytes("good/seed-doc-example.json")).callback().atUserList());
        assertEquals(List.of(), parser.parse(textWith("atUserList", "null")).callback().atUserList());
        assertEquals(List.of(), parser.parse(textWith("atUserList", "[]")).callback().atUserList());
    }

    @Test
    void keepsUnknownKeysAndKeyOrder() throws Exception {
        ParsedCallback parsed = parser.parse(Fixtures.bytes("good/future-unknown-fields.json"));
        JsonObject json = read(parsed.json().text());
        List<String> keys = List.copyOf(json.keySet());
        assertEquals("sendID", keys.get(0));
        assertEquals(List.of("recvID", "groupID", "isRead", "attachedInfo", "offlinePush"),
                keys.subList(keys.size() - 5, keys.size()));
        assertEquals(30, json.getJsonObject("attachedInfo").getInt("burnDuration"));
    }

    @Test
    void theKeysInsideAnUnknownKeysValueAreNotBound() throws Exception {
        byte[] body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8).replace("\"recvID\"",
                "\"future\":{\"sendID\":\"other\",\"seq\":7,\"more\":[{\"recvID\":\"x\"}]},\"recvID\"")
                .getBytes(StandardCharsets.UTF_8);
        MsgCallback expected = parser.parse(Fixtures.bytes("good/v3.8-text.json")).callback();
        assertEquals(expected, parser.parse(body).callback());
        assertEquals(expected, parser.parseByTree(body, MessageKind.SINGLE).callback());
    }

    @Test
    void decodesGoEscapesAndNonAsciiText() throws Exception {
        MsgCallback c = parser.parse(Fixtures.bytes("good/unicode-and-escapes.json")).callback();
        assertEquals("op-<unicode>", c.operationID());
        assertEquals("用户甲", c.sendID());
        assertTrue(c.content().endsWith("line1\\nline2\"}"), c.content());
        assertTrue(c.senderNickname().contains("\uD83D\uDE00"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "senderPlatformID | 2147483647  | ",
        "senderPlatformID | -2147483648 | ",
        "senderPlatformID | 2147483648  | senderPlatformID: 2147483648 is out of range for int32",
        "contentType      | -2147483649 | contentType: -2147483649 is out of range for int32",
        "createTime       | 9223372036854775807 | ",
        "createTime       | 9223372036854775808 | createTime: 9223372036854775808 is out of range for int64",
        "sendTime         | -9223372036854775809 | sendTime: -9223372036854775809 is out of range for int64",
        "seq              | 4294967295  | ",
        "seq              | 4294967296  | seq: 4294967296 is out of range for uint32",
        "seq              | -1          | seq: -1 is out of range for uint32",
        "status           | 1.5         | status: expected an integer, got 1.5",
        "status           | 1.0         | status: expected an integer, got 1.0",
        "status           | 1e2         | status: expected an integer, got 1E+2",
        "msgFrom          | \"100\"     | msgFrom: expected a number, got a string",
        "msgFrom          | true        | msgFrom: expected a number, got true",
        "sendTime         | null        | sendTime: expected a number, got null",
        "senderNickname   | 7           | senderNickname: expected a string, got a number",
        "content          | {}          | content: expected a string, got an object",
        "ex               | null        | ex: expected a string, got null",
        "atUserList       | \"u1\"      | atUserList: expected an array of strings or null, got a string",
        "atUserList       | [\"u1\",2]  | atUserList[1]: expected a string, got a number",
        "sendID           | \"\"        | sendID: must not be empty",
        "recvID           | \"\"        | recvID: must not be empty",
        "serverMsgID      | null        | serverMsgID: expected a string, got null",
        "callbackCommand  | \"\"        | callbackCommand: expected \"callbackAfterSendSingleMsgCommand\", got \"\"",
    })
    void checksEachKeyForItsGoTypeAndRange(String key, String rawValue, String expected) throws Exception {
        byte[] body = textWith(key, rawValue);
        if (expected == null) {
            parser.parse(body);
        } else {
            assertEquals(expected, refusal(body));
        }
    }

    @Test
    void refusesEveryKindOfMalformedUtf8AndKeepsAReplacementCharacterThatWasSent() throws Exception {
        byte[][] malformed = {
            {(byte) 0xc0, (byte) 0xaf},                           // overlong "/"
            {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},              // overlong, three bytes
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},              // a UTF-16 surrogate, encoded
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xe4, (byte) 0xb8},                           // cut short
            {(byte) 0x80},                                        // a lone continuation byte
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
            {(byte) 0xff},
        };
        for (byte[] bad : malformed) {
            byte[] name = utf8("\"a\"");
            byte[] body = textWith("senderNickname", "\"a\"");
            int at = indexOf(body, name) + 2;
            byte[] spliced = new byte[body.length + bad.length];
            System.arraycopy(body, 0, spliced, 0, at);
            System.arraycopy(bad, 0, spliced, at, bad.length);
            System.arraycopy(body, at, spliced, at + bad.length, body.length - at);
            assertEquals("body is not valid UTF-8", refusal(spliced), java.util.HexFormat.of().formatHex(bad));
        }
        // U+FFFD itself, sent as its three bytes or escaped, is a character like any other
        assertEquals("a\ufffdb", parser.parse(textWith("senderNickname", "\"a\ufffdb\"")).callback().senderNickname());
        assertEquals("a\ufffdb", parser.parse(textWith("senderNickname", "\"a\\ufffdb\"")).callback().senderNickname());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    @Test
    void refusesWhatGoCannotHaveSent() {
        assertEquals("body has a duplicate key",
                refusal(utf8("{\"sendID\":\"a\",\"sendID\":\"b\"}")));
        assertEquals("body is nested too deeply",
                refusal(utf8("{\"x\":" + "[".repeat(200) + "]".repeat(200) + "}")));
        assertEquals("body has an unpaired UTF-16 surrogate escape",
                refusal(textWith("senderNickname", "\"a\\ud800b\"")));
        assertEquals("body has an unpaired UTF-16 surrogate escape",
                refusal(utf8("{\"\\udc00\":1}")));
        assertEquals("body is empty", refusal(new byte[0]));
        assertEquals("body is not valid JSON (line 2, column 1)", refusal(utf8(" \n")));
        assertEquals("body is a string, not a JSON object", refusal(utf8("\"x\"")));
        assertEquals("recvID: missing", refusal(utf8(
                "{\"sendID\":\"a\",\"callbackCommand\":\"callbackAfterSendSingleMsgCommand\",\"serverMsgID\":\"s\"}")));
        assertEquals("callbackCommand: missing", refusal(utf8("{\"sendID\":\"a\"}")));
    }

    @Test
    void refusesNumbersPastTheParsersLimits() {
        assertEquals("body has a number beyond the parser's limits",
                refusal(textWith("seq", "1" + "0".repeat(5000))));
        assertEquals("seq: expected an integer, got 1E+999999", refusal(textWith("seq", "1e999999")));
    }

    @Test
    void refusesTrailingContentAfterTheObject() {
        String body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8);
        InvalidCallbackException e = assertThrows(InvalidCallbackException.class,
                () -> parser.parse(utf8(body + "{}")));
        assertTrue(e.getMessage().startsWith("body is not valid JSON"), e.getMessage());
    }

    @Test
    void keepsAPairedSurrogateEscape() throws Exception {
        assertEquals("\uD83D\uDE00",
                parser.parse(textWith("senderNickname", "\"\\ud83d\\ude00\"")).callback().senderNickname());
    }

    @Test
    void cutsLongEchoedValues() {
        String message = refusal(textWith("callbackCommand", "\"" + "x".repeat(1000) + "\""));
        assertEquals("callbackCommand: expected \"callbackAfterSendSingleMsgCommand\", got \""
                + "x".repeat(JsonText.MAX_ECHO) + "...\"", message);
    }

    @Test
    void refusalOfAnObjectCarriesItsOperationId() {
        InvalidCallbackException e = assertThrows(InvalidCallbackException.class,
                () -> parser.parse(Fixtures.bytes("bad/missing-sendID.json")));
        assertEquals("o", e.operationID());
        assertNull(assertThrows(InvalidCallbackException.class,
                () -> parser.parse(Fixtures.bytes("bad/not-json.txt"))).operationID());
    }

    @Test
    void acceptsBigUnknownNumbersUnchanged() throws Exception {
        ParsedCallback parsed = parser.parse(utf8(new String(Fixtures.bytes("good/v3.8-text.json"),
                StandardCharsets.UTF_8).replace("\"recvID\"", "\"future\":123456789012345678901234567890,\"recvID\"")));
        assertTrue(parsed.json().text().contains("\"future\":123456789012345678901234567890,"), parsed.json().text());
    }

    private static JsonObject read(String text) {
        return jakarta.json.Json.createReader(new java.io.StringReader(text)).readObject();
    }
}
