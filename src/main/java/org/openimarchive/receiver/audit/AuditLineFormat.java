package org.openimarchive.receiver.audit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.callback.ReceivedJson;
import org.openimarchive.receiver.json.JsonText;
import org.openimarchive.receiver.json.Timestamps;

/**
 * Formats audit records: one JSON object per line, keys in a fixed order, every value
 * escaped by {@link JsonText} so that the line can never be split. Thread-safe.
 */
public final class AuditLineFormat {

    private final ContentMode contentMode;
    /** The last second formatted: records of one second share it (thread-safe, immutable). */
    private volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    private record FormattedSecond(long epochSecond, String text) {
    }

    public AuditLineFormat(ContentMode contentMode) {
        this.contentMode = contentMode;
    }

    /**
     * A record of {@link #accepted(Instant, String, String, ParsedCallback)} marked
     * {@code "duplicate":true}: its message's {@code serverMsgID} was already recorded.
     */
    public static String markDuplicate(String record) {
        return AuditRecord.withTrue(record, AuditRecord.DUPLICATE);
    }

    /** The record of an accepted callback; its {@code msg} is the object as received. */
    public String accepted(Instant time, String remoteAddr, String operationID, ParsedCallback callback) {
        ReceivedJson msg = callback.json();
        StringBuilder out = new StringBuilder(192 + msg.text().length());
        head(out, time, AuditRecord.Outcome.ACCEPTED, 200, remoteAddr, operationID);
        key(out, AuditRecord.MSG);
        switch (contentMode) {
            case FULL -> msg.appendTo(out);
            case OMIT -> msg.appendWithoutContent(out);
            case SHA256 -> {
                if (msg.hasContent()) {
                    byte[] content = callback.callback().content().getBytes(StandardCharsets.UTF_8);
                    msg.appendWithContentValue(out, "\"sha256:" + sha256Hex(content) + "\"");
                } else {
                    msg.appendTo(out);
                }
            }
        }
        return out.append('}').toString();
    }

    /**
     * The record of another webhook posted to the one URL, answered 200 with the neutral
     * reply: its command, its body's size and SHA-256, and with content mode {@code full} the
     * body itself as a JSON string (null when it is not UTF-8).
     */
    public String passed(Instant time, String remoteAddr, String operationID, String command, byte[] body) {
        boolean full = contentMode == ContentMode.FULL;
        StringBuilder out = new StringBuilder(320 + (full ? body.length : 0));
        head(out, time, AuditRecord.Outcome.PASSED, 200, remoteAddr, operationID);
        JsonText.appendString(key(out, AuditRecord.COMMAND), command);
        key(out, AuditRecord.BODY_BYTES).append(body.length);
        JsonText.appendString(key(out, AuditRecord.BODY_SHA256), sha256Hex(body));
        if (full) {
            JsonText.appendString(key(out, AuditRecord.BODY), utf8(body));
        }
        return out.append('}').toString();
    }

    /** The text of {@code bytes}, or null when they are not UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The record of a refused request. */
    public String rejected(RejectedRequest r) {
        StringBuilder out = new StringBuilder(384);
        head(out, r.time(), AuditRecord.Outcome.REJECTED, r.status(), r.remoteAddr(), r.operationID());
        JsonText.appendString(key(out, AuditRecord.METHOD), r.method());
        JsonText.appendString(key(out, AuditRecord.URI), r.uri());
        JsonText.appendString(key(out, AuditRecord.ERROR), r.error());
        key(out, AuditRecord.BODY_BYTES).append(r.bodyBytes() == null ? "null" : r.bodyBytes().toString());
        JsonText.appendString(key(out, AuditRecord.BODY_SHA256), r.bodySha256());
        return out.append('}').toString();
    }

    /** The keys every record starts with, in this order. */
    private void head(StringBuilder out, Instant time, AuditRecord.Outcome outcome, int status,
                      String remoteAddr, String operationID) {
        out.append("{\"").append(AuditRecord.TIME).append("\":\"");
        appendTime(out, time);
        out.append('"');
        key(out, AuditRecord.OUTCOME).append('"').append(outcome.text()).append('"');
        key(out, AuditRecord.STATUS).append(status);
        JsonText.appendString(key(out, AuditRecord.REMOTE_ADDR), remoteAddr);
        JsonText.appendString(key(out, AuditRecord.OPERATION_ID), operationID);
    }

    /** Starts the next member: {@code ,"key":}. */
    private static StringBuilder key(StringBuilder out, String key) {
        return out.append(",\"").append(key).append("\":");
    }

    /**
     * Appends {@code time} as {@link Timestamps#FORMAT} does; the text up to the second is computed once
     * per second, as formatting a date costs more than the rest of the head.
     */
    private void appendTime(StringBuilder out, Instant time) {
        long second = time.getEpochSecond();
        FormattedSecond formatted = lastSecond;
        if (formatted.epochSecond() != second) {
            formatted = new FormattedSecond(second, Timestamps.FORMAT.format(Instant.ofEpochSecond(second)));
            lastSecond = formatted;
        }
        String text = formatted.text();
        // "...ss.SSSZ": keep the second, put in the milliseconds
        int millis = time.getNano() / 1_000_000;
        out.append(text, 0, text.length() - 4)
                .append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10))
                .append('Z');
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
