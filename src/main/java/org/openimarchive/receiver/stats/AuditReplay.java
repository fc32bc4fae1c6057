package org.openimarchive.receiver.stats;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditFiles;

/**
 * Counts the records of an audit directory into {@link Statistics}, oldest file first (see
 * {@link AuditFiles}). Lines that are not whole records (the remains of a write a full disk
 * cut short) are skipped and counted.
 */
public final class AuditReplay {

    /**
     * What a replay read.
     *
     * @param unreadable files that could not be read to their end (a damaged .gz), with the reason
     * @param lastLink   the last record's link of the hash chain, or null when no record is sealed
     * @param tornTail   whether the active file ends in part of a line (a write cut short by a crash)
     */
    public record Result(int files, long records, long skippedLines, List<String> unreadable,
                         AuditChain.Link lastLink, boolean tornTail) {
    }

    private final JsonParserFactory parsers = new org.eclipse.parsson.JsonProviderImpl().createParserFactory(Map.of());

    /** Replays every audit file of {@code dir} into {@code statistics}. */
    public Result replay(Path dir, Statistics statistics) throws IOException {
        List<Path> files = AuditFiles.inOrder(dir);
        long records = 0;
        long skipped = 0;
        List<String> unreadable = new ArrayList<>();
        // one record of look-ahead: a resumed record with the same seq takes the place of the
        // one before it, whose write failed at its very end (whole on disk, answered 503)
        Record pending = null;
        for (Path file : files) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(AuditFiles.open(file), StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = in.readLine()) != null) {
                    Record record = read(line);
                    if (record == null) {
                        if (!line.isEmpty()) {
                            skipped++;
                        }
                        continue;
                    }
                    if (pending != null && !(record.resumed() && record.seq() > 0 && record.seq() == pending.seq())) {
                        pending.countInto(statistics);
                        records++;
                    }
                    pending = record;
                }
            } catch (IOException e) {
                // what was read of it is counted; the rest cannot be
                unreadable.add(file.getFileName() + ": " + e.getMessage());
            }
        }
        if (pending != null) {
            pending.countInto(statistics);
            records++;
        }
        return new Result(files.size(), records, skipped, List.copyOf(unreadable),
                pending == null ? null : AuditChain.parse(pending.line()), AuditFiles.endsTorn(dir.resolve(AuditFiles.ACTIVE)));
    }

    /** What a record holds for the statistics and the chain. */
    private record Record(String line, Instant time, boolean accepted, int status, boolean duplicate, MessageFacts facts,
                          long seq, boolean resumed) {
        void countInto(Statistics statistics) {
            if (accepted) {
                statistics.countAccepted(time, facts, duplicate);
            } else {
                statistics.countRefused(time, status);
            }
        }
    }

    /**
     * Reads one line; null when it is not a whole record. Streams through the line taking
     * only what the statistics and the chain need: the message content and other values are
     * skipped, not built.
     */
    private Record read(String line) {
        String time = null;
        String outcome = null;
        int status = -1;
        boolean duplicate = false;
        boolean resumed = false;
        long seq = 0;
        MessageFacts facts = null;
        try (JsonParser parser = parsers.createParser(new StringReader(line))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            JsonParser.Event event;
            while ((event = parser.next()) != JsonParser.Event.END_OBJECT) {
                String key = parser.getString();
                event = parser.next();
                switch (key) {
                    case "time" -> time = parser.getString();
                    case "outcome" -> outcome = parser.getString();
                    case "status" -> status = parser.getInt();
                    case "duplicate" -> duplicate = event == JsonParser.Event.VALUE_TRUE;
                    case "resumed" -> resumed = event == JsonParser.Event.VALUE_TRUE;
                    case "seq" -> seq = parser.getLong();
                    case "msg" -> facts = event == JsonParser.Event.START_OBJECT ? readFacts(parser) : null;
                    default -> skip(parser, event);
                }
            }
            if (parser.hasNext()) {
                return null;
            }
            Instant at = parseTime(time);
            if ("accepted".equals(outcome) && facts != null) {
                return new Record(line, at, true, 200, duplicate, facts, seq, resumed);
            }
            if ("rejected".equals(outcome) && status > 0) {
                return new Record(line, at, false, status, false, null, seq, resumed);
            }
            return null;
        } catch (RuntimeException e) {
            // torn by a full disk, or not a record at all
            return null;
        }
    }

    /**
     * The records' own time format, {@code 2026-11-26T15:19:25.130Z}, read digit by digit:
     * {@link Instant#parse} costs as much as the rest of the record. Anything else is left
     * to {@link Instant#parse}.
     */
    static Instant parseTime(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return Instant.parse(s);
        }
        long epochDay = LocalDate.of(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)).toEpochDay();
        long seconds = epochDay * 86_400 + digits(s, 11, 2) * 3600L + digits(s, 14, 2) * 60L + digits(s, 17, 2);
        return Instant.ofEpochSecond(seconds, digits(s, 20, 3) * 1_000_000L);
    }

    private static int digits(String s, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new java.time.format.DateTimeParseException("not a record time", s, i);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The facts of a record's {@code msg}, the parser on its first key. */
    private static MessageFacts readFacts(JsonParser parser) {
        String serverMsgID = "";
        String sendID = "";
        String recvID = "";
        int contentType = 0;
        int senderPlatformID = 0;
        int msgFrom = 0;
        int status = 0;
        Long sendTime = null;
        long createTime = 0;
        JsonParser.Event event;
        while ((event = parser.next()) != JsonParser.Event.END_OBJECT) {
            String key = parser.getString();
            event = parser.next();
            boolean string = event == JsonParser.Event.VALUE_STRING;
            boolean number = event == JsonParser.Event.VALUE_NUMBER;
            switch (key) {
                case "serverMsgID" -> serverMsgID = string ? parser.getString() : "";
                case "sendID" -> sendID = string ? parser.getString() : "";
                case "recvID" -> recvID = string ? parser.getString() : "";
                case "contentType" -> contentType = number ? parser.getInt() : 0;
                case "senderPlatformID" -> senderPlatformID = number ? parser.getInt() : 0;
                case "msgFrom" -> msgFrom = number ? parser.getInt() : 0;
                case "status" -> status = number ? parser.getInt() : 0;
                case "sendTime" -> sendTime = number ? parser.getLong() : null;
                case "createTime" -> createTime = number ? parser.getLong() : 0;
                default -> skip(parser, event);
            }
        }
        return new MessageFacts(serverMsgID, sendID, recvID, contentType, senderPlatformID, msgFrom, status,
                sendTime != null ? sendTime : createTime);
    }

    private static void skip(JsonParser parser, JsonParser.Event event) {
        if (event == JsonParser.Event.START_OBJECT) {
            parser.skipObject();
        } else if (event == JsonParser.Event.START_ARRAY) {
            parser.skipArray();
        }
    }
}
