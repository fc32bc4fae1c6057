package org.openimarchive.receiver.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openimarchive.receiver.Fixtures;

/**
 * The parser's two paths agree: for every fixture and for many seeded mutations of them
 * aimed at the edges of the fast path (numbers, escapes, duplicate and escaped keys,
 * nesting, trailing text), {@link CallbackParser#parse} gives exactly what the tree path
 * alone gives: the same callback and record text, or the same refusal, the fast path
 * binding its own events of the members, not a tree; as one-to-one
 * messages, and rewritten as group messages.
 */
class CallbackParserPathsTest {

    private static final int MUTATIONS = 20_000;
    /** Raw JSON values that the fast path must take, or leave to the tree path, exactly right. */
    private static final String[] VALUES = {
        "0", "-0", "1", "-1", "01", "-01", "1.0", "1e2", "1E+2", "-", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "123456789012345678901234567890",
        "\"\"", "\"x\"", "\"\\ud800\"", "\"a\\udc00\"", "\"\\ud83d\\ude00\"", "\"\uD83D\uDE00\"", "\"\\u2028\\u0000\"",
        "\"\u0085\u001b[2J\"", "\"callbackAfterSendSingleMsgCommand\"", "\"\\u0063allbackAfterSendSingleMsgCommand\"",
        "null", "true", "false", "[]", "[\"a\",\"b\"]", "[\"a\",1]", "[null]", "[\"\\udbff\"]", "{}",
        "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":[1,{\"c\":\"\\udc00\"}]}}", "{\"a\":{\"b\":[1,{\"c\":1.5}]}}",
        "[[[[[[[[[[1]]]]]]]]]]", "{\"a\":[[[[[[[[\"x\"]]]]]]]]}", "{\"\\ud800\":1}", "{\"k\":-0}", "[1e400]",
    };
    private static final String[] KEYS = {
        "sendID", "callbackCommand", "serverMsgID", "clientMsgID", "operationID", "senderPlatformID",
        "senderNickname", "sessionType", "msgFrom", "contentType", "status", "sendTime", "createTime", "content",
        "seq", "atUserList", "faceURL", "ex", "recvID", "groupID", "future", "\\u0063ontent", "\\u0073endID", "\\ud800",
    };

    private final CallbackParser parser = new CallbackParser();
    private final StreamingCheck fast = new StreamingCheck(Json.createParserFactory(Map.of()));
    private final CallbackBinding binding = new CallbackBinding(JsonProvider.provider());
    private static final CallbackSchema SINGLE = CallbackSchema.of(MessageKind.SINGLE);
    private static final CallbackSchema GROUP = CallbackSchema.of(MessageKind.GROUP);

    @Test
    void everyGoodFixtureTakesTheFastPathAndItsMembersBindAsTheTree() throws InvalidCallbackException {
        for (Path fixture : Fixtures.good()) {
            for (MessageKind kind : MessageKind.values()) {
                byte[] body = kind == MessageKind.GROUP ? Fixtures.asGroup(Fixtures.bytes(fixture)) : Fixtures.bytes(fixture);
                StreamingCheck.Checked checked = fast.check(new String(body, StandardCharsets.UTF_8), CallbackSchema.of(kind));
                assertNotNull(checked, kind + " " + fixture);
                assertEquals(parser.parseByTree(body, kind).callback(), binding.bind(checked.members()), kind + " " + fixture);
            }
        }
    }

    @Test
    void theFastPathLeavesWhatItCannotVouchForToTheTreePath() {
        String body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8);
        for (String raw : List.of("-0", "1e2", "1.0", "\"\\ud800\"", "[[[[[[[[[[1]]]]]]]]]]")) {
            assertNull(fast.check(body.replace("\"recvID\"", "\"future\":" + raw + ",\"recvID\""), SINGLE), raw);
        }
        assertNull(fast.check(body.replace("\"recvID\"", "\"sendID\":\"again\",\"recvID\""), SINGLE));
        assertNull(fast.check(body.replace("\"recvID\"", "\"\\u0073endID\":\"again\",\"recvID\""), SINGLE));
        assertNull(fast.check(body + "{}", SINGLE));
        assertNull(fast.check(body, GROUP), "a one-to-one message is no group message");
    }

    @Test
    void bothPathsGiveTheSameResultForEveryFixtureAndMutation() throws InvalidCallbackException {
        List<String> good = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (Path fixture : Fixtures.good()) {
            good.add(new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8));
            bodies.add(Fixtures.bytes(fixture));
        }
        for (Path fixture : Fixtures.bad()) {
            bodies.add(Fixtures.bytes(fixture));
        }
        for (int i = 0; i < MUTATIONS; i++) {
            bodies.add(mutate(new Random(i), good.get(new Random(i).nextInt(good.size()))));
        }
        int vouched = 0;
        int accepted = 0;
        for (byte[] single : bodies) {
            for (MessageKind kind : MessageKind.values()) {
                byte[] body = kind == MessageKind.GROUP ? Fixtures.asGroup(single) : single;
                String outcome = outcome(() -> parser.parse(body, kind));
                assertEquals(outcome(() -> parser.parseByTree(body, kind)), outcome,
                        kind + " " + new String(body, StandardCharsets.UTF_8));
                StreamingCheck.Checked checked = fast.check(new String(body, StandardCharsets.UTF_8), CallbackSchema.of(kind));
                if (checked != null) {
                    vouched++;
                }
                if (checked != null && outcome.startsWith("accepted")) {
                    // bound from the pass's events, not from the tree that parse would fall back to
                    assertEquals(parser.parseByTree(body, kind).callback(), binding.bind(checked.members()));
                }
                if (outcome.startsWith("accepted")) {
                    accepted++;
                }
            }
        }
        // the comparison means something only if both paths were taken often
        assertTrue(vouched > MUTATIONS / 10, "fast path taken " + vouched + " times");
        assertTrue(accepted - vouched > 40, "valid bodies left to the tree path: " + (accepted - vouched));
        int parsed = bodies.size() * MessageKind.values().length;
        assertTrue(parsed - accepted > MUTATIONS / 4, "refused: " + (parsed - accepted));
    }

    private interface Parse {
        ParsedCallback run() throws InvalidCallbackException;
    }

    /** Everything the rest of the receiver sees of a parse, as text. */
    private static String outcome(Parse parse) {
        try {
            ParsedCallback p = parse.run();
            StringBuilder without = new StringBuilder();
            p.json().appendWithoutContent(without);
            StringBuilder replaced = new StringBuilder();
            p.json().appendWithContentValue(replaced, "\"h\"");
            return "accepted " + p.callback() + "\n" + p.json().text() + "\n" + without + "\n" + replaced
                    + "\n" + p.json().hasContent();
        } catch (InvalidCallbackException e) {
            return "refused " + e.getMessage() + " operationID=" + e.operationID();
        }
    }

    private static byte[] mutate(Random random, String body) {
        String text = body;
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            String key = KEYS[random.nextInt(KEYS.length)];
            String value = VALUES[random.nextInt(VALUES.length)];
            text = switch (random.nextInt(7)) {
                // a value replaced, or a member added before recvID (a duplicate, when the key is there)
                case 0, 1 -> text.replaceFirst("\"" + java.util.regex.Pattern.quote(key) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)",
                        java.util.regex.Matcher.quoteReplacement("\"" + key + "\":" + value));
                case 2 -> text.replace("\"recvID\"", "\"" + key + "\":" + value + ",\"recvID\"");
                // a member removed
                case 3 -> text.replaceFirst("\"" + java.util.regex.Pattern.quote(key) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*),", "");
                // a member added first
                case 4 -> text.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{\"" + key + "\":" + value + ","));
                // text after the object, or cut short
                case 5 -> random.nextBoolean() ? text + new String[] {" ", "\n", "x", "{}", ",", "\u00a0"}[random.nextInt(6)]
                        : text.substring(0, random.nextInt(text.length()));
                default -> text;
            };
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
