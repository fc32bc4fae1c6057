package org.openimarchive.receiver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.Json;
import jakarta.json.JsonString;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {

    private static String quote(String s) {
        StringBuilder out = new StringBuilder();
        JsonText.appendString(out, s);
        return out.toString();
    }

    @Test
    void escapesWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\"", quote("a\"b\\c\n\r\t\b\f\u0000\u001f"));
    }

    @Test
    void escapesWhatCouldSplitALineOrReachATerminal() {
        assertEquals("\"\\u2028\\u2029\\u001b[31m\\u007f\\u0085\\u009b\"", quote("\u2028\u2029\u001b[31m\u007f\u0085\u009b"));
    }

    @Test
    void escapesUnpairedSurrogatesButKeepsPairs() {
        assertEquals("\"\\ud800x\\udc00\uD83D\uDE00\"", quote("\ud800x\udc00\uD83D\uDE00"));
        assertEquals("\"\\ud83d\"", quote("\ud83d"));
    }

    @Test
    void writesOtherTextAsItIs() {
        assertEquals("\"用户 <b>&amp; é\"", quote("用户 <b>&amp; é"));
        assertEquals("null", quote(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nbreak", "\u2028", "\r", "\u0085", "tab\tand \"quote\"", "\ud800", "\u001b]0;title\u0007"})
    void everyStringStaysOnOneLineAndReadsBackTheSame(String s) {
        String json = quote(s);
        assertFalse(json.chars().anyMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029 || (c >= 0x7f && c <= 0x9f)), json);
        String back = ((JsonString) Json.createReader(new StringReader(json)).readValue()).getString();
        assertEquals(s, back);
    }

    /** Escaping one character at a time, as the rules say: what the run-by-run writer must equal. */
    private static String quoteCharByChar(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String named = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> null;
            };
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (named != null) {
                out.append(named);
            } else if (pair) {
                out.append(c).append(s.charAt(++i));
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    @Test
    void randomTextIsEscapedAsCharacterByCharacter() {
        java.util.Random random = new java.util.Random(11);
        // the characters around every boundary the writer draws, and plain text between them
        char[] alphabet = "aZ 0~\"\\\n\r\t\b\f\u0000\u001f\u0020\u007e\u007f\u0080\u009f\u00a0\u00ff\u0100\u2027\u2028\u2029\u202a\ud7ff\ud800\udbff\udc00\udfff\ue000\uffff用"
                .toCharArray();
        for (int i = 0; i < 20_000; i++) {
            char[] text = new char[random.nextInt(12)];
            for (int j = 0; j < text.length; j++) {
                text[j] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(text);
            assertEquals(quoteCharByChar(s), quote(s));
        }
    }

    @Test
    void writesNestedValuesInTheirOrder() {
        var value = Json.createReader(new StringReader(
                "{\"z\":[1,2.50,true,null,{\"a\":\"x\\u2028\"}],\"a\":false,\"n\":-12345678901234567890}")).readValue();
        StringBuilder out = new StringBuilder();
        JsonText.appendValue(out, value);
        assertEquals("{\"z\":[1,2.50,true,null,{\"a\":\"x\\u2028\"}],\"a\":false,\"n\":-12345678901234567890}", out.toString());
    }
}
