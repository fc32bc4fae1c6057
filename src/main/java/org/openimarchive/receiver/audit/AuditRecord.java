package org.openimarchive.receiver.audit;

import java.time.Instant;

/**
 * One whole line of an audit file, read back by {@link AuditReader}: the keys of the record
 * format (written by {@link AuditLineFormat} and sealed by {@link AuditChain}) and what a
 * record says under them. The key names and outcomes live here, for the writer and the
 * reader alike.
 *
 * @param file        the file's name
 * @param lineNumber  the line's number in that file, from 1
 * @param line        the line as written
 * @param time        when the request was received; null when the record has no valid time
 * @param outcome     what was done with the request; null when the record names no known outcome
 * @param status      the HTTP status answered, or -1 when the record has none
 * @param msg         what an accepted record says of its message; null for other records
 * @param command     the command of a passed record; null for other records
 * @param seq         the record's link number in the hash chain, or 0 when it has none
 * @param superseded  the record is whole on disk, but the write that held it failed (answered
 *                    503): a later record resumes the chain in its place, so it does not count
 * @param replaces    how many superseded records before it this record takes the place of: 0
 *                    but for the record that resumes the chain after a failed write
 */
public record AuditRecord(String file, long lineNumber, String line, Instant time, Outcome outcome, int status,
                          boolean duplicate, boolean resumed, MessageFacts msg, String command, long seq,
                          boolean superseded,
                          int replaces) implements AuditReader.Entry {

    public static final String TIME = "time";
    public static final String OUTCOME = "outcome";
    public static final String STATUS = "status";
    public static final String REMOTE_ADDR = "remoteAddr";
    public static final String OPERATION_ID = "operationID";
    /** Accepted records: the callback's JSON object as received. */
    public static final String MSG = "msg";
    /** Rejected records: the request's method, URI, the reply's {@code errDlt}, the body's size and SHA-256. */
    public static final String METHOD = "method";
    public static final String URI = "uri";
    public static final String ERROR = "error";
    public static final String BODY_BYTES = "bodyBytes";
    public static final String BODY_SHA256 = "bodySha256";
    /** Passed records: the command posted, and (content mode {@code full}) the body as text. */
    public static final String COMMAND = "command";
    public static final String BODY = "body";
    /** {@code true} on an accepted record whose {@code serverMsgID} was recorded before. */
    public static final String DUPLICATE = "duplicate";
    /** {@code true} on the first record after a write that failed: the torn line before it is no link. */
    public static final String RESUMED = "resumed";
    /** The link of the hash chain: its number and its hash, last in every record (see {@link AuditChain}). */
    public static final String SEQ = "seq";
    public static final String HASH = "hash";

    /** What was done with a request: the value of {@value #OUTCOME}. */
    public enum Outcome {
        /** A callback acknowledged with 200 once its record was written. */
        ACCEPTED("accepted"),
        /** A request refused with a 4xx. */
        REJECTED("rejected"),
        /** Another webhook posted to the one URL: recorded, and answered 200 with the neutral reply. */
        PASSED("passed");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        /** The value as written in a record. */
        public String text() {
            return text;
        }

        /** The outcome written as {@code text}, or null. */
        public static Outcome of(String text) {
            for (Outcome outcome : values()) {
                if (outcome.text.equals(text)) {
                    return outcome;
                }
            }
            return null;
        }
    }

    /**
     * Appends {@code "key":true} to a record, a JSON object on one line, before its closing
     * brace.
     */
    public static String withTrue(String record, String key) {
        return record.substring(0, record.length() - 1) + ",\"" + key + "\":true}";
    }

    /** Where the line is, as {@code FILE:LINE}. */
    public String at() {
        return file + ":" + lineNumber;
    }

    /**
     * Whether the statistics count the record: an accepted record with its message, a
     * rejected one with its status, or a passed one with its command, each with a time, that
     * no later record took the place of.
     */
    public boolean counts() {
        if (superseded || time == null || outcome == null) {
            return false;
        }
        return switch (outcome) {
            case ACCEPTED -> msg != null;
            case REJECTED -> status > 0;
            case PASSED -> command != null;
        };
    }

    /** The line's link of the hash chain, or null when it is not sealed. */
    public AuditChain.Link link() {
        return AuditChain.parse(line);
    }
}
