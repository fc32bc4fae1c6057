package org.openimarchive.receiver.audit;

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

    @Test
    void writesNestedValuesInTheirOrder() {
        var value = Json.createReader(new StringReader(
                "{\"z\":[1,2.50,true,null,{\"a\":\"x\\u2028\"}],\"a\":false,\"n\":-12345678901234567890}")).readValue();
        StringBuilder out = new StringBuilder();
        JsonText.appendValue(out, value);
        assertEquals("{\"z\":[1,2.50,true,null,{\"a\":\"x\\u2028\"}],\"a\":false,\"n\":-12345678901234567890}", out.toString());
    }
}
