package org.openimarchive.receiver.callback;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 19 keys of the callback, each with the JSON type and range that OpenIM's Go structs
 * give it (protocol.md). A key of the table must have its type when present; the three
 * identifiers must be present and not empty; unknown keys may hold anything. Every string
 * in the body, keys included, must be valid Unicode (no unpaired surrogate escapes).
 */
final class CallbackSchema {

    enum Kind { STRING, REQUIRED_STRING, COMMAND, INT32, INT64, UINT32, STRING_LIST }

    static final long UINT32_MAX = 0xFFFF_FFFFL;

    private record Field(String key, Kind kind) {
    }

    /** In the order OpenIM writes them, so that the first fault named is the first in the body. */
    private static final List<Field> FIELDS = List.of(
            new Field("sendID", Kind.REQUIRED_STRING),
            new Field("callbackCommand", Kind.COMMAND),
            new Field("serverMsgID", Kind.REQUIRED_STRING),
            new Field("clientMsgID", Kind.STRING),
            new Field("operationID", Kind.STRING),
            new Field("senderPlatformID", Kind.INT32),
            new Field("senderNickname", Kind.STRING),
            new Field("sessionType", Kind.INT32),
            new Field("msgFrom", Kind.INT32),
            new Field("contentType", Kind.INT32),
            new Field("status", Kind.INT32),
            new Field("sendTime", Kind.INT64),
            new Field("createTime", Kind.INT64),
            new Field("content", Kind.STRING),
            new Field("seq", Kind.UINT32),
            new Field("atUserList", Kind.STRING_LIST),
            new Field("faceURL", Kind.STRING),
            new Field("ex", Kind.STRING),
            new Field("recvID", Kind.REQUIRED_STRING));

    private static final Map<String, Integer> INDEX = indexOfKeys();

    /** The bits, by {@link #indexOf}, of the keys that must be present. */
    static final long REQUIRED_KEYS = requiredKeys();

    private static Map<String, Integer> indexOfKeys() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < FIELDS.size(); i++) {
            index.put(FIELDS.get(i).key(), i);
        }
        return Map.copyOf(index);
    }

    private static long requiredKeys() {
        long bits = 0;
        for (int i = 0; i < FIELDS.size(); i++) {
            Kind kind = FIELDS.get(i).kind();
            if (kind == Kind.REQUIRED_STRING || kind == Kind.COMMAND) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    /** The key's place in the table, or -1 for a key that is not in it. */
    static int indexOf(String key) {
        Integer i = INDEX.get(key);
        return i == null ? -1 : i;
    }

    /** The kind of the key at {@code index}. */
    static Kind kindAt(int index) {
        return FIELDS.get(index).kind();
    }

    private CallbackSchema() {
    }

    static void check(JsonObject json) throws InvalidCallbackException {
        checkUnicode(json);
        for (Field field : FIELDS) {
            checkKey(field.key(), field.kind(), json.get(field.key()));
        }
    }

    private static void checkKey(String key, Kind kind, JsonValue value) throws InvalidCallbackException {
        if (value == null) {
            if (kind == Kind.REQUIRED_STRING || kind == Kind.COMMAND) {
                throw InvalidCallbackException.missing(key);
            }
            return;
        }
        switch (kind) {
            case STRING -> string(key, value);
            case REQUIRED_STRING -> {
                if (string(key, value).isEmpty()) {
                    throw InvalidCallbackException.empty(key);
                }
            }
            case COMMAND -> {
                String command = string(key, value);
                if (!SingleMsgCallback.COMMAND.equals(command)) {
                    throw InvalidCallbackException.wrongCommand(command);
                }
            }
            case INT32 -> integer(key, value, Integer.MIN_VALUE, Integer.MAX_VALUE, "int32");
            case INT64 -> integer(key, value, Long.MIN_VALUE, Long.MAX_VALUE, "int64");
            case UINT32 -> integer(key, value, 0, UINT32_MAX, "uint32");
            case STRING_LIST -> stringList(key, value);
        }
    }

    private static String string(String key, JsonValue value) throws InvalidCallbackException {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw InvalidCallbackException.wrongType(key, "a string", typeName(value));
    }

    private static void integer(String key, JsonValue value, long min, long max, String range)
            throws InvalidCallbackException {
        if (!(value instanceof JsonNumber number)) {
            throw InvalidCallbackException.wrongType(key, "a number", typeName(value));
        }
        if (!number.isIntegral()) {
            throw InvalidCallbackException.notInteger(key, number.toString());
        }
        long n;
        try {
            n = number.longValueExact();
        } catch (ArithmeticException e) {
            throw InvalidCallbackException.outOfRange(key, number.toString(), range);
        }
        if (n < min || n > max) {
            throw InvalidCallbackException.outOfRange(key, number.toString(), range);
        }
    }

    private static void stringList(String key, JsonValue value) throws InvalidCallbackException {
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            return;
        }
        if (!(value instanceof JsonArray array)) {
            throw InvalidCallbackException.wrongType(key, "an array of strings or null", typeName(value));
        }
        for (int i = 0; i < array.size(); i++) {
            JsonValue element = array.get(i);
            if (!(element instanceof JsonString)) {
                throw InvalidCallbackException.wrongType(key + "[" + i + "]", "a string", typeName(element));
            }
        }
    }

    /** Walks the whole tree: an unpaired surrogate cannot be written as UTF-8 to the audit file. */
    private static void checkUnicode(JsonValue value) throws InvalidCallbackException {
        switch (value.getValueType()) {
            case STRING -> checkUnicode(((JsonString) value).getString());
            case OBJECT -> {
                for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                    checkUnicode(entry.getKey());
                    checkUnicode(entry.getValue());
                }
            }
            case ARRAY -> {
                for (JsonValue element : value.asJsonArray()) {
                    checkUnicode(element);
                }
            }
            default -> {
            }
        }
    }

    private static void checkUnicode(String s) throws InvalidCallbackException {
        if (!isUnicode(s)) {
            throw InvalidCallbackException.loneSurrogate();
        }
    }

    /** Whether {@code s} has no unpaired surrogate. */
    static boolean isUnicode(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    static String typeName(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE -> "true";
            case FALSE -> "false";
            case NULL -> "null";
        };
    }
}
