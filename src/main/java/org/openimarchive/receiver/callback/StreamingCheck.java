package org.openimarchive.receiver.callback;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import org.openimarchive.receiver.callback.CallbackSchema.Kind;
import org.openimarchive.receiver.json.JsonText;

/**
 * The fast path of {@link CallbackParser}: one pass of JSON-P's streaming parser over a
 * body, checking it as the tree path does (duplicate keys, nesting, {@link CallbackSchema})
 * and writing its {@link ReceivedJson} and the {@link MemberEvents} that JSON-B binds,
 * without building a tree or parsing the text again. It vouches only for what it is sure
 * of: a body that is invalid, or unusual (a number that is not a plain integer, nesting
 * deeper than {@link #MAX_DEPTH}), gets {@code null}, and the tree path decides and names
 * the fault. Thread-safe.
 */
final class StreamingCheck {

    /** What the pass vouches for: the object as received, and its known members to bind. */
    record Checked(ReceivedJson json, MemberEvents members) {
    }

    /** Deepest nesting vouched for; deeper bodies go to the tree path and its own limit. */
    static final int MAX_DEPTH = 8;
    /** Digits of the longest plain integer vouched for: every int64 fits. */
    private static final int MAX_DIGITS = 19;

    private final JsonParserFactory parsers;

    StreamingCheck(JsonParserFactory parsers) {
        this.parsers = parsers;
    }

    /** The body's {@link Checked} if it is a valid callback of the usual shape, else {@code null}. */
    Checked check(String text, CallbackSchema schema) {
        // a lone surrogate can only be written as a \\u escape: decoded UTF-8 has none
        boolean escapes = text.indexOf("\\u") >= 0;
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != Event.START_OBJECT) {
                return null;
            }
            ReceivedJson.Writer out = new ReceivedJson.Writer(text.length() + 64);
            MemberEvents members = new MemberEvents();
            long seen = 0;
            Set<String> unknownKeys = null;
            for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
                String key = parser.getString();
                if (escapes && !CallbackSchema.isUnicode(key)) {
                    return null;
                }
                int index = schema.indexOf(key);
                if (index >= 0) {
                    long bit = 1L << index;
                    if ((seen & bit) != 0 || !known(parser, schema, schema.kindAt(index), key, out, members, escapes)) {
                        return null;
                    }
                    seen |= bit;
                } else {
                    if (unknownKeys == null) {
                        unknownKeys = new HashSet<>();
                    }
                    if (!unknownKeys.add(key) || !any(parser, parser.next(), out.key(key), 1, escapes)) {
                        return null;
                    }
                }
            }
            if (parser.hasNext() || (seen & schema.requiredKeys()) != schema.requiredKeys()) {
                return null;
            }
            return new Checked(out.finish(), members.finish());
        } catch (RuntimeException e) {
            // whatever the parser refused, the tree path refuses again and names
            return null;
        }
    }

    private static boolean known(JsonParser parser, CallbackSchema schema, Kind kind, String key,
                                 ReceivedJson.Writer out, MemberEvents members, boolean escapes) {
        Event event = parser.next();
        members.add(Event.KEY_NAME, key);
        switch (kind) {
            case STRING, REQUIRED_STRING, COMMAND -> {
                if (event != Event.VALUE_STRING) {
                    return false;
                }
                String value = parser.getString();
                if ((kind == Kind.REQUIRED_STRING && value.isEmpty())
                        || (kind == Kind.COMMAND && !schema.isCommand(value))
                        || (escapes && !CallbackSchema.isUnicode(value))) {
                    return false;
                }
                out.key(key);
                out.string(value);
                members.add(Event.VALUE_STRING, value);
                return true;
            }
            case INT32, INT64, UINT32 -> {
                return integer(parser, event, out.key(key), members, kind);
            }
            case STRING_LIST -> {
                StringBuilder value = out.key(key);
                if (event == Event.VALUE_NULL) {
                    value.append("null");
                    members.add(Event.VALUE_NULL, null);
                    return true;
                }
                if (event != Event.START_ARRAY) {
                    return false;
                }
                value.append('[');
                members.add(Event.START_ARRAY, null);
                boolean first = true;
                for (event = parser.next(); event != Event.END_ARRAY; event = parser.next()) {
                    if (event != Event.VALUE_STRING) {
                        return false;
                    }
                    String element = parser.getString();
                    if (escapes && !CallbackSchema.isUnicode(element)) {
                        return false;
                    }
                    if (!first) {
                        value.append(',');
                    }
                    first = false;
                    JsonText.appendString(value, element);
                    members.add(Event.VALUE_STRING, element);
                }
                value.append(']');
                members.add(Event.END_ARRAY, null);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean integer(JsonParser parser, Event event, StringBuilder out, MemberEvents members, Kind kind) {
        if (event != Event.VALUE_NUMBER) {
            return false;
        }
        String text = parser.getString();
        if (!isPlainInteger(text)) {
            return false;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return false;
        }
        if (!kind.inRange(value)) {
            return false;
        }
        out.append(text);
        members.add(Event.VALUE_NUMBER, text);
        return true;
    }

    /** Any value under a key that is not in the table, as the tree path writes it. */
    private static boolean any(JsonParser parser, Event event, StringBuilder out, int depth, boolean escapes) {
        switch (event) {
            case VALUE_STRING -> {
                String value = parser.getString();
                if (escapes && !CallbackSchema.isUnicode(value)) {
                    return false;
                }
                JsonText.appendString(out, value);
            }
            case VALUE_NUMBER -> {
                String text = parser.getString();
                if (!isPlainInteger(text)) {
                    return false;
                }
                out.append(text);
            }
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NULL -> out.append("null");
            case START_ARRAY -> {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                out.append('[');
                boolean first = true;
                for (Event e = parser.next(); e != Event.END_ARRAY; e = parser.next()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    if (!any(parser, e, out, depth + 1, escapes)) {
                        return false;
                    }
                }
                out.append(']');
            }
            case START_OBJECT -> {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                out.append('{');
                Set<String> keys = new HashSet<>();
                for (Event e = parser.next(); e != Event.END_OBJECT; e = parser.next()) {
                    String key = parser.getString();
                    if (!keys.add(key) || (escapes && !CallbackSchema.isUnicode(key))) {
                        return false;
                    }
                    if (keys.size() > 1) {
                        out.append(',');
                    }
                    JsonText.appendString(out, key);
                    out.append(':');
                    if (!any(parser, parser.next(), out, depth + 1, escapes)) {
                        return false;
                    }
                }
                out.append('}');
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * An integer written the one way JSON-P writes it back: digits, no fraction or exponent,
     * no leading zero, not {@code -0}, and short enough to be a long.
     */
    static boolean isPlainInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        int digits = text.length() - start;
        if (digits < 1 || digits > MAX_DIGITS || (text.charAt(start) == '0' && text.length() > 1)) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
