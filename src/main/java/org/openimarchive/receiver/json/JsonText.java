package org.openimarchive.receiver.json;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;

/**
 * Writes JSON text that always stays on one line and is safe to print to a terminal: on top
 * of what JSON requires, it escapes DEL, the C1 controls, U+2028, U+2029 and unpaired
 * surrogates, so that no value can split an audit line, fool a line-oriented reader or send
 * an escape sequence to the operator's terminal.
 */
public final class JsonText {

    /** The most characters of a received value that an error message repeats. */
    public static final int MAX_ECHO = 64;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /**
     * A received value as an error message repeats it: cut to {@link #MAX_ECHO} characters
     * (never between the two halves of a surrogate pair), marked {@code ...} when cut.
     */
    public static String echo(String value) {
        if (value.length() <= MAX_ECHO) {
            return value;
        }
        int end = MAX_ECHO;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + "...";
    }

    /** Appends {@code s} as a quoted JSON string; {@code null} as {@code null}. */
    public static void appendString(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        // runs of characters that need no escape are appended whole
        int run = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (printable(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            out.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                // the other C0 controls, DEL, the C1 controls, U+2028, U+2029, an unpaired surrogate
                default -> appendEscape(out, c);
            }
        }
        out.append(s, run, s.length()).append('"');
    }

    /** Stands for itself: printable ASCII but quote and backslash, or a non-surrogate past the C1 controls but U+2028/9. */
    private static boolean printable(char c) {
        if (c < 0x7f) {
            return c >= 0x20 && c != '"' && c != '\\';
        }
        return c >= 0xa0 && (c < 0xd800 || c > 0xdfff) && c != '\u2028' && c != '\u2029';
    }

    /** Appends any JSON-P value, objects keeping the order of their keys. */
    public static void appendValue(StringBuilder out, JsonValue value) {
        switch (value.getValueType()) {
            case STRING -> appendString(out, ((JsonString) value).getString());
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    appendString(out, entry.getKey());
                    out.append(':');
                    appendValue(out, entry.getValue());
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                boolean first = true;
                for (JsonValue element : value.asJsonArray()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    appendValue(out, element);
                }
                out.append(']');
            }
            // numbers keep their text; true, false and null are their own text
            default -> out.append(value);
        }
    }

    private static void appendEscape(StringBuilder out, char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
