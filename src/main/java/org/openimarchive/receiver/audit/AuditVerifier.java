package org.openimarchive.receiver.audit;

import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Checks an audit directory against its hash chain, file by file and line by line, and names
 * the first point where it breaks: a record altered, removed, inserted or moved, a rolled
 * file missing, a last line cut short. Reads one line at a time, so any size fits in memory.
 *
 * <p>A line that is not a whole record is the remains of a write a full disk or a crash cut
 * short; the receiver then answered 503 and marked the next record {@code "resumed":true}.
 * Such a line followed by a resumed record is reported as a note, anything else as a break.
 */
public final class AuditVerifier {

    private static final String RESUMED = ",\"resumed\":true,\"seq\":";

    /**
     * The outcome.
     *
     * @param breakAt where and why the chain breaks first, or null when intact
     * @param notes   what is not a break but worth knowing (the start of the chain, torn writes)
     */
    public record Report(int files, long records, String breakAt, List<String> notes) {
        public boolean intact() {
            return breakAt == null;
        }
    }

    private final JsonParserFactory parsers = new org.eclipse.parsson.JsonProviderImpl().createParserFactory(Map.of());
    private final byte[] key;

    /** @param key the HMAC key the receiver was given, or null for plain SHA-256 */
    public AuditVerifier(byte[] key) {
        this.key = key == null ? null : key.clone();
    }

    /**
     * A link known from elsewhere (the head the receiver logged when it stopped): the chain
     * must pass through it, which shows that no record up to it was removed from the end.
     */
    public record Anchor(long seq, String hash) {
        /** Reads {@code SEQ:HASH}. */
        public static Anchor parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 1 || !text.substring(colon + 1).matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("an anchor is SEQ:HASH, as the receiver logs its chain head: " + text);
            }
            return new Anchor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
        }
    }

    /**
     * @param progress told the number of lines read, every million lines
     */
    public Report verify(Path dir, LongConsumer progress) throws IOException {
        return verify(dir, null, progress);
    }

    /**
     * @param anchor   a link the chain must pass through, or null
     * @param progress told the number of lines read, every million lines
     */
    public Report verify(Path dir, Anchor anchor, LongConsumer progress) throws IOException {
        List<Path> files = AuditFiles.inOrder(dir);
        List<String> notes = new ArrayList<>();
        AuditChain.Hasher hasher = new AuditChain.Hasher(key);
        String previousHash = null;
        String hashBeforePrevious = null;
        String previousAt = null;
        long previousSeq = 0;
        long records = 0;
        long lines = 0;
        List<String> torn = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(AuditFiles.open(file), StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                long number = 0;
                while ((line = in.readLine()) != null) {
                    number++;
                    if (++lines % 1_000_000 == 0) {
                        progress.accept(lines);
                    }
                    if (line.isEmpty()) {
                        continue; // the line break that starts a record after a write cut short
                    }
                    String at = name + ":" + number;
                    boolean object = isObject(line);
                    AuditChain.Link link = object ? AuditChain.parse(line) : null;
                    if (link == null) {
                        if (object) {
                            return new Report(files.size(), records, at + ": a record without seq and hash", notes);
                        }
                        torn.add(at);
                        continue;
                    }
                    boolean resumed = link.body().contains(RESUMED + link.seq());
                    String expectedPrevious = previousHash;
                    if (previousHash == null) {
                        if (link.seq() != 1) {
                            notes.add(at + ": the chain starts at seq " + link.seq()
                                    + "; the records before it are gone (removed by retention, or otherwise)");
                        }
                        expectedPrevious = link.seq() == 1 ? AuditChain.GENESIS : null;
                    } else if (resumed && link.seq() == previousSeq) {
                        // the write of the record before failed at its very end: whole on disk, yet answered 503
                        notes.add(previousAt + ": seq " + previousSeq + " was written whole but its write failed"
                                + " (answered 503); " + at + " takes its place");
                        expectedPrevious = hashBeforePrevious;
                        records--;
                    } else if (link.seq() != previousSeq + 1) {
                        return new Report(files.size(), records, at + ": seq " + link.seq() + " follows seq " + previousSeq
                                + " (records missing, added or out of order" + (number == 1 ? ", or a file missing" : "") + ")", notes);
                    }
                    if (expectedPrevious != null && !hasher.hash(expectedPrevious, link.body()).equals(link.hash())) {
                        return new Report(files.size(), records, at + ": the hash of seq " + link.seq() + " does not match"
                                + " (the record was altered" + (records == 0 && key == null
                                ? "; or the receiver had callback.audit.hmacKeyFile: pass --key" : "") + ")", notes);
                    }
                    if (!torn.isEmpty()) {
                        if (!resumed) {
                            return new Report(files.size(), records, torn.get(0) + ": part of a line, not followed by a resumed record", notes);
                        }
                        for (String t : torn) {
                            notes.add(t + ": part of a line, a write cut short (answered 503); the chain resumes at seq " + link.seq());
                        }
                        torn.clear();
                    }
                    if (anchor != null && link.seq() == anchor.seq() && !link.hash().equals(anchor.hash())) {
                        return new Report(files.size(), records, at + ": seq " + link.seq() + " is not the anchor's record"
                                + " (its hash differs from the one kept elsewhere)", notes);
                    }
                    hashBeforePrevious = expectedPrevious;
                    previousHash = link.hash();
                    previousSeq = link.seq();
                    previousAt = at;
                    records++;
                }
            } catch (IOException e) {
                return new Report(files.size(), records, name + ": cannot be read to its end: " + e.getMessage(), notes);
            }
        }
        if (!torn.isEmpty()) {
            return new Report(files.size(), records, torn.get(torn.size() - 1)
                    + ": the last line is incomplete (cut short by a crash, or truncated)", notes);
        }
        if (anchor != null && previousSeq < anchor.seq()) {
            return new Report(files.size(), records, "the chain ends at seq " + previousSeq + ", before the anchor's seq "
                    + anchor.seq() + ": the newest records were removed", notes);
        }
        return new Report(files.size(), records, null, notes);
    }

    /** Whether the line is one whole JSON object. */
    private boolean isObject(String line) {
        if (line.isEmpty() || line.charAt(0) != '{') {
            return false;
        }
        try (JsonParser parser = parsers.createParser(new StringReader(line))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                return false;
            }
            parser.skipObject();
            return !parser.hasNext();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
