package org.openimarchive.receiver.stats;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * What the statistics need of an accepted callback: read live from the callback's JSON
 * object, and at start-up from the audit record's {@code msg}, which holds the same keys
 * and values (see {@code AuditReplay}); a missing key counts as empty or zero in both.
 */
record MessageFacts(String serverMsgID, String sendID, String recvID, int contentType,
                    int senderPlatformID, int msgFrom, int status, long timeMillis) {

    /**
     * @param msg a callback object that {@code CallbackParser} accepted
     */
    static MessageFacts of(JsonObject msg) {
        return new MessageFacts(
                string(msg, "serverMsgID"),
                string(msg, "sendID"),
                string(msg, "recvID"),
                integer(msg, "contentType"),
                integer(msg, "senderPlatformID"),
                integer(msg, "msgFrom"),
                integer(msg, "status"),
                msg.get("sendTime") instanceof JsonNumber sendTime ? sendTime.longValue() : longValue(msg, "createTime"));
    }

    private static String string(JsonObject msg, String key) {
        return msg.get(key) instanceof JsonString s ? s.getString() : "";
    }

    private static int integer(JsonObject msg, String key) {
        JsonValue value = msg.get(key);
        return value instanceof JsonNumber n ? n.intValue() : 0;
    }

    private static long longValue(JsonObject msg, String key) {
        JsonValue value = msg.get(key);
        return value instanceof JsonNumber n ? n.longValue() : 0;
    }
}
