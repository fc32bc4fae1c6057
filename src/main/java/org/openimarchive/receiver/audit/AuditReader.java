package org.openimarchive.receiver.audit;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import org.eclipse.parsson.JsonProviderImpl;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.json.Timestamps;

/**
 * The one reader of an audit directory: its files in the order they were written
 * ({@link AuditFiles}, {@code .gz} included), one line at a time, so that any size fits in
 * memory. Statistics replay, {@code verify}, {@code summary} and {@code find} all read
 * through it.
 *
 * <p>It gives, in file order, an {@link Entry} for each line that is not empty:
 * <ul>
 *   <li>an {@link AuditRecord} for a whole JSON object, with what the record says;</li>
 *   <li>a {@link TornLine} for anything else: the remains of a write that a full disk or a
 *       crash cut short (the receiver answered 503 and marked the next record resumed);</li>
 *   <li>an {@link UnreadableFile} after the part of a file that could be read (a damaged
 *       {@code .gz}); reading goes on with the next file;</li>
 *   <li>an {@link EndOfFile} after the last line of a file read whole.</li>
 * </ul>
 * A write of several records ({@link AuditChainWriter}) that failed may have left some of them
 * whole on disk, yet they were answered 503: the next record written, marked resumed with the
 * {@code seq} of the first of them, takes their place. The reader looks as many records ahead
 * as one write carries ({@link AuditChainWriter#MAX_BATCH}) to mark them
 * ({@link AuditRecord#superseded()}) and the record that replaces them
 * ({@link AuditRecord#replaces()}). Not thread-safe.
 */
public final class AuditReader implements Closeable {

    /** What the reader gives for a line, or a file it could not read to its end. */
    public sealed interface Entry permits AuditRecord, TornLine, UnreadableFile, EndOfFile {
    }

    /** A line that is not a whole record. */
    public record TornLine(String file, long lineNumber) implements Entry {
        /** Where the line is, as {@code FILE:LINE}. */
        public String at() {
            return file + ":" + lineNumber;
        }
    }

    /** A file that could not be read past some point; what came before was given. */
    public record UnreadableFile(String file, String reason) implements Entry {
    }

    /**
     * A file read to its end, after its last line.
     *
     * @param bytes its bytes (decompressed)
     * @param crc32 their CRC-32, as gzip's trailer holds it
     */
    public record EndOfFile(String file, long bytes, long crc32) implements Entry {
    }

    /** How often the progress listener is told the lines read. */
    public static final long PROGRESS_LINES = 1_000_000;

    private static final JsonParserFactory PARSERS = new JsonProviderImpl().createParserFactory(Map.of());

    private final List<Path> files;
    /** The file after the last one read, whose first record only decides the look-ahead; or null. */
    private final Path following;
    private final LongConsumer progress;
    private int nextFile;
    private BufferedReader in;
    private CheckedInputStream checked;
    private long fileBytes;
    private String fileName;
    private long lineNumber;
    private long lines;

    /**
     * The last records read, up to {@link AuditChainWriter#MAX_BATCH}, which a later record
     * may yet take the place of, the first of them a record, with what was read among and
     * after them; and how many of them are records.
     */
    private final List<Entry> held = new ArrayList<>();
    private int heldRecords;
    private final Deque<Entry> ready = new ArrayDeque<>();

    private AuditReader(List<Path> files, Path following, LongConsumer progress) {
        this.files = List.copyOf(files);
        this.following = following;
        this.progress = progress;
    }

    /**
     * Reads every file of an audit directory.
     *
     * @param progress told the number of lines read, every {@value #PROGRESS_LINES} lines
     * @throws IOException when the directory cannot be listed
     */
    public static AuditReader open(Path dir, LongConsumer progress) throws IOException {
        return new AuditReader(AuditFiles.inOrder(dir), null, progress);
    }

    /**
     * Reads some files of an audit directory, in the order given.
     *
     * @param following the file written after the last of them, or null: its first record
     *                  decides whether the last record read was taken over by it
     * @param progress  told the number of lines read, every {@value #PROGRESS_LINES} lines
     */
    public static AuditReader open(List<Path> files, Path following, LongConsumer progress) {
        return new AuditReader(files, following, progress);
    }

    /** How many files the directory holds: every one is read. */
    public int files() {
        return files.size();
    }

    /** How many lines were read, empty ones included. */
    public long lines() {
        return lines;
    }

    /** The next entry, or null after the last. */
    public Entry next() {
        while (ready.isEmpty()) {
            Entry entry = read();
            if (entry == null) {
                if (heldRecords > 0 && following != null) {
                    AuditRecord first = firstRecord(following);
                    if (first != null) {
                        supersede(first);
                    }
                }
                ready.addAll(held);
                held.clear();
                heldRecords = 0;
                break;
            }
            if (entry instanceof AuditRecord record) {
                hold(record);
            } else if (heldRecords > 0) {
                held.add(entry);
            } else {
                ready.add(entry);
            }
        }
        return ready.poll();
    }

    /** The first record of {@code file}, or null: only for the look-ahead, never given. */
    private static AuditRecord firstRecord(Path file) {
        try (BufferedReader first = new BufferedReader(new InputStreamReader(AuditFiles.open(file), StandardCharsets.UTF_8))) {
            for (String line; (line = first.readLine()) != null; ) {
                if (!line.isEmpty()) {
                    return parse(file.getFileName().toString(), 1, line);
                }
            }
        } catch (IOException e) {
            // no look-ahead: the record stands
        }
        return null;
    }

    /**
     * Holds the record just read, once it has taken the place of the held records it
     * supersedes; hands on what is held beyond {@link AuditChainWriter#MAX_BATCH} records,
     * which no later record can take the place of.
     */
    private void hold(AuditRecord record) {
        int replaced = supersede(record);
        if (replaced > 0) {
            ready.addAll(held);
            held.clear();
            heldRecords = 0;
            record = replacing(record, replaced);
        }
        held.add(record);
        heldRecords++;
        if (heldRecords > AuditChainWriter.MAX_BATCH) {
            // the oldest record, and what was read between it and the next one
            ready.add(held.remove(0));
            while (!(held.get(0) instanceof AuditRecord)) {
                ready.add(held.remove(0));
            }
            heldRecords--;
        }
    }

    /**
     * Marks the held records that {@code next} takes the place of: when it resumes the chain,
     * the last ones read, from its own {@code seq} on, written whole by the write that failed.
     *
     * @return how many
     */
    private int supersede(AuditRecord next) {
        if (!next.resumed() || next.seq() <= 0) {
            return 0;
        }
        int replaced = 0;
        for (int i = held.size() - 1; i >= 0; i--) {
            if (held.get(i) instanceof AuditRecord r) {
                if (r.seq() < next.seq() || r.superseded()) {
                    break;
                }
                held.set(i, superseded(r));
                replaced++;
            }
        }
        return replaced;
    }

    private static AuditRecord superseded(AuditRecord r) {
        return new AuditRecord(r.file(), r.lineNumber(), r.line(), r.time(), r.outcome(), r.status(), r.duplicate(),
                r.resumed(), r.msg(), r.command(), r.seq(), true, r.replaces());
    }

    private static AuditRecord replacing(AuditRecord r, int replaced) {
        return new AuditRecord(r.file(), r.lineNumber(), r.line(), r.time(), r.outcome(), r.status(), r.duplicate(),
                r.resumed(), r.msg(), r.command(), r.seq(), r.superseded(), replaced);
    }

    /** The next line that is not empty, or the failure of a file, in file order; null after the last file. */
    private Entry read() {
        while (true) {
            if (in == null) {
                if (nextFile == files.size()) {
                    return null;
                }
                Path file = files.get(nextFile++);
                fileName = file.getFileName().toString();
                lineNumber = 0;
                try {
                    fileBytes = 0;
                    checked = new CheckedInputStream(AuditFiles.open(file), new CRC32()) {
                        @Override
                        public int read(byte[] buffer, int offset, int length) throws IOException {
                            int n = super.read(buffer, offset, length);
                            if (n > 0) {
                                fileBytes += n;
                            }
                            return n;
                        }
                    };
                    in = new BufferedReader(new InputStreamReader(checked, StandardCharsets.UTF_8), 1 << 16);
                } catch (IOException e) {
                    return new UnreadableFile(fileName, String.valueOf(e.getMessage()));
                }
            }
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                closeFile();
                return new UnreadableFile(fileName, String.valueOf(e.getMessage()));
            }
            if (line == null) {
                EndOfFile end = new EndOfFile(fileName, fileBytes, checked.getChecksum().getValue());
                closeFile();
                return end;
            }
            lineNumber++;
            if (++lines % PROGRESS_LINES == 0) {
                progress.accept(lines);
            }
            if (line.isEmpty()) {
                continue; // the line break that starts a record after a write cut short
            }
            AuditRecord record = parse(fileName, lineNumber, line);
            return record != null ? record : new TornLine(fileName, lineNumber);
        }
    }

    /**
     * Reads one line as a record; null when it is not one whole JSON object. Streams through
     * the line taking only what a record says of itself and of its message: the message
     * content and other values are skipped, not built.
     */
    static AuditRecord parse(String file, long lineNumber, String line) {
        if (line.charAt(0) != '{') {
            return null;
        }
        String time = null;
        AuditRecord.Outcome outcome = null;
        int status = -1;
        boolean duplicate = false;
        boolean resumed = false;
        long seq = 0;
        MessageFacts msg = null;
        String command = null;
        try (JsonParser parser = PARSERS.createParser(new StringReader(line))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            JsonParser.Event event;
            while ((event = parser.next()) != JsonParser.Event.END_OBJECT) {
                String key = parser.getString();
                event = parser.next();
                boolean string = event == JsonParser.Event.VALUE_STRING;
                boolean number = event == JsonParser.Event.VALUE_NUMBER;
                switch (key) {
                    case AuditRecord.TIME -> time = string ? parser.getString() : null;
                    case AuditRecord.OUTCOME -> outcome = string ? AuditRecord.Outcome.of(parser.getString()) : null;
                    case AuditRecord.STATUS -> status = number && parser.isIntegralNumber() ? parser.getInt() : -1;
                    case AuditRecord.DUPLICATE -> duplicate = event == JsonParser.Event.VALUE_TRUE;
                    case AuditRecord.RESUMED -> resumed = event == JsonParser.Event.VALUE_TRUE;
                    case AuditRecord.SEQ -> seq = number && parser.isIntegralNumber() ? parser.getLong() : 0;
                    case AuditRecord.MSG -> msg = event == JsonParser.Event.START_OBJECT ? readMessage(parser) : null;
                    case AuditRecord.COMMAND -> command = string ? parser.getString() : null;
                    default -> skip(parser, event);
                }
            }
            if (parser.hasNext()) {
                return null;
            }
        } catch (RuntimeException e) {
            // torn by a full disk, or not JSON at all
            return null;
        }
        return new AuditRecord(file, lineNumber, line, instant(time), outcome, status, duplicate, resumed, msg, command,
                seq, false, 0);
    }

    private static Instant instant(String time) {
        if (time == null) {
            return null;
        }
        try {
            return Timestamps.parse(time);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** What a record's {@code msg} says, the parser on its first key. */
    private static MessageFacts readMessage(JsonParser parser) {
        String command = "";
        String serverMsgID = "";
        String sendID = "";
        String recvID = "";
        String groupID = "";
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
                case "callbackCommand" -> command = string ? parser.getString() : "";
                case "serverMsgID" -> serverMsgID = string ? parser.getString() : "";
                case "sendID" -> sendID = string ? parser.getString() : "";
                case "recvID" -> recvID = string ? parser.getString() : "";
                case "groupID" -> groupID = string ? parser.getString() : "";
                case "contentType" -> contentType = number ? parser.getInt() : 0;
                case "senderPlatformID" -> senderPlatformID = number ? parser.getInt() : 0;
                case "msgFrom" -> msgFrom = number ? parser.getInt() : 0;
                case "status" -> status = number ? parser.getInt() : 0;
                case "sendTime" -> sendTime = number ? parser.getLong() : null;
                case "createTime" -> createTime = number ? parser.getLong() : 0;
                default -> skip(parser, event);
            }
        }
        MessageKind kind = MessageKind.ofCommand(command);
        return new MessageFacts(kind != null ? kind : MessageKind.SINGLE, serverMsgID, sendID, recvID, groupID,
                contentType, senderPlatformID, msgFrom, status, sendTime != null ? sendTime : createTime);
    }

    private static void skip(JsonParser parser, JsonParser.Event event) {
        if (event == JsonParser.Event.START_OBJECT) {
            parser.skipObject();
        } else if (event == JsonParser.Event.START_ARRAY) {
            parser.skipArray();
        }
    }

    private void closeFile() {
        try {
            in.close();
        } catch (IOException e) {
            // read-only: nothing is lost
        }
        in = null;
    }

    @Override
    public void close() {
        if (in != null) {
            closeFile();
        }
    }
}
