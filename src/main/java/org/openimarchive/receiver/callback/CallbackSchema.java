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
 * The keys of a message callback, each with the JSON type and range that OpenIM's Go structs
 * give it (protocol.md), one table per {@link MessageKind}. A key of the table must have its
 * type when present; the three identifiers must be present and not empty; unknown keys may
 * hold anything. Every string
 * in the body, keys included, must be valid Unicode (no unpaired surrogate escapes).
 */
final class CallbackSchema {

    /**
     * What a key may hold: its JSON type, whether it must be present, and for integers the
     * range of its Go type. Both the tree path and {@link StreamingCheck} read it.
     */
    enum Kind {
        STRING(false),
        REQUIRED_STRING(true),
        COMMAND(true),
        INT32(Integer.MIN_VALUE, Integer.MAX_VALUE, "int32"),
        INT64(Long.MIN_VALUE, Long.MAX_VALUE, "int64"),
        UINT32(0, 0xFFFF_FFFFL, "uint32"),
        STRING_LIST(false);

        private final boolean required;
        private final long min;
        private final long max;
        private final String goType;

        Kind(boolean required) {
            this(required, 0, 0, null);
        }

        Kind(long min, long max, String goType) {
            this(false, min, max, goType);
        }

        Kind(boolean required, long min, long max, String goType) {
            this.required = required;
            this.min = min;
            this.max = max;
            this.goType = goType;
        }

        /** Whether the key must be present. */
        boolean required() {
            return required;
        }

        /** Whether {@code n} is in the range of this integer kind. */
        boolean inRange(long n) {
            return n >= min && n <= max;
        }

        /** The Go type of an integer kind, as refusals name it. */
        String goType() {
            return goType;
        }
    }

    private record Field(String key, Kind kind) {
    }

    /** The table of each kind of message callback. */
    private static final Map<MessageKind, CallbackSchema> SCHEMAS = Map.of(
            MessageKind.SINGLE, new CallbackSchema(MessageKind.SINGLE),
            MessageKind.GROUP, new CallbackSchema(MessageKind.GROUP));

    private final MessageKind messageKind;
    /** In the order OpenIM writes them, so that the first fault named is the first in the body. */
    private final List<Field> fields;
    private final Map<String, Integer> index;
    /** The bits, by {@link #indexOf}, of the keys that must be present. */
    private final long requiredKeys;

    /**
     * The keys both commands share, then the one that names where the message went, which
     * must be there ({@code recvID} or {@code groupID}), then the other one, which may be.
     */
    private CallbackSchema(MessageKind messageKind) {
        this.messageKind = messageKind;
        MessageKind other = messageKind == MessageKind.SINGLE ? MessageKind.GROUP : MessageKind.SINGLE;
        this.fields = List.of(
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
                new Field(messageKind.targetKey(), Kind.REQUIRED_STRING),
                new Field(other.targetKey(), Kind.STRING));
        Map<String, Integer> index = new HashMap<>();
        long required = 0;
        for (int i = 0; i < fields.size(); i++) {
            index.put(fields.get(i).key(), i);
            if (fields.get(i).kind().required()) {
                required |= 1L << i;
            }
        }
        this.index = Map.copyOf(index);
        this.requiredKeys = required;
    }

    /** The table of {@code kind}. */
    static CallbackSchema of(MessageKind kind) {
        return SCHEMAS.get(kind);
    }

    /** The key's place in the table, or -1 for a key that is not in it. */
    int indexOf(String key) {
        Integer i = index.get(key);
        return i == null ? -1 : i;
    }

    /** The kind of the key at {@code index}. */
    Kind kindAt(int index) {
        return fields.get(index).kind();
    }

    /** The bits, by {@link #indexOf}, of the keys that must be present. */
    long requiredKeys() {
        return requiredKeys;
    }

    /** Whether {@code command}, the value of {@code callbackCommand}, is this table's. */
    boolean isCommand(String command) {
        return messageKind.command().equals(command);
    }

    void check(JsonObject json) throws InvalidCallbackException {
        checkUnicode(json);
        for (Field field : fields) {
            checkKey(field.key(), field.kind(), json.get(field.key()));
        }
    }

    private void checkKey(String key, Kind kind, JsonValue value) throws InvalidCallbackException {
        if (value == null) {
            if (kind.required()) {
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
                if (!isCommand(command)) {
                    throw InvalidCallbackException.wrongCommand(messageKind.command(), command);
                }
            }
            case INT32, INT64, UINT32 -> integer(key, value, kind);
            case STRING_LIST -> stringList(key, value);
        }
    }

    private static String string(String key, JsonValue value) throws InvalidCallbackException {
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw InvalidCallbackException.wrongType(key, "a string", typeName(value));
    }

    private static void integer(String key, JsonValue value, Kind kind) throws InvalidCallbackException {
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
            throw InvalidCallbackException.outOfRange(key, number.toString(), kind.goType());
        }
        if (!kind.inRange(n)) {
            throw InvalidCallbackException.outOfRange(key, number.toString(), kind.goType());
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
