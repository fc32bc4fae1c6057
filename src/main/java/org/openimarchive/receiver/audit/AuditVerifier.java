package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Checks an audit directory against its hash chain, file by file and line by line, and names
 * the first point where it breaks: a record altered, removed, inserted or moved, a rolled
 * file missing, a last line cut short. Reads through {@link AuditReader}, one line at a time.
 *
 * <p>A line that is not a whole record is the remains of a write a full disk or a crash cut
 * short; the receiver then answered 503 and marked the next record {@code "resumed":true}.
 * Such a line followed by a resumed record is reported as a note, anything else as a break.
 */
public final class AuditVerifier {

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

    private final byte[] key;

    /** A link checked: its seq, the hash it follows (null where unknown), and where it is. */
    private record Checked(long seq, String hashBefore, String at) {
    }

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
        try (AuditReader reader = AuditReader.open(dir, progress)) {
            return verify(reader, anchor);
        }
    }

    private Report verify(AuditReader reader, Anchor anchor) {
        int files = reader.files();
        List<String> notes = new ArrayList<>();
        AuditChain.Hasher hasher = new AuditChain.Hasher(key);
        String previousHash = null;
        long previousSeq = 0;
        /** The last links checked, newest last, as many as a write that failed can leave: what a resumed record can replace. */
        Deque<Checked> recent = new ArrayDeque<>();
        long records = 0;
        List<String> torn = new ArrayList<>();
        for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
            if (entry instanceof AuditReader.UnreadableFile file) {
                return new Report(files, records, file.file() + ": cannot be read to its end: " + file.reason(), notes);
            }
            if (entry instanceof AuditReader.TornLine line) {
                torn.add(line.at());
                continue;
            }
            if (entry instanceof AuditReader.EndOfFile) {
                continue;
            }
            AuditRecord record = (AuditRecord) entry;
            String at = record.at();
            AuditChain.Link link = record.link();
            if (link == null) {
                return new Report(files, records, at + ": a record without seq and hash", notes);
            }
            String expectedPrevious = previousHash;
            if (previousHash == null) {
                if (link.seq() != 1) {
                    notes.add(at + ": the chain starts at seq " + link.seq()
                            + "; the records before it are gone (removed by retention, or otherwise)");
                }
                expectedPrevious = link.seq() == 1 ? AuditChain.GENESIS : null;
            } else if (record.replaces() > 0) {
                // the write of the records before failed: whole on disk, yet answered 503
                Checked first = null;
                for (int i = 0; i < record.replaces(); i++) {
                    first = recent.pollLast();
                }
                if (first == null || first.seq() != link.seq()) {
                    return new Report(files, records, at + ": seq " + link.seq() + " resumes the chain, but not in"
                            + " place of the records before it", notes);
                }
                notes.add(first.at() + (record.replaces() == 1 ? ": seq " + first.seq() + " was written whole but its write"
                        : " and after: seq " + first.seq() + " to " + previousSeq + " were written whole but their write")
                        + " failed (answered 503); " + at + " takes " + (record.replaces() == 1 ? "its" : "their") + " place");
                expectedPrevious = first.hashBefore();
                records -= record.replaces();
            } else if (link.seq() != previousSeq + 1) {
                return new Report(files, records, at + ": seq " + link.seq() + " follows seq " + previousSeq
                        + " (records missing, added or out of order" + (record.lineNumber() == 1 ? ", or a file missing" : "")
                        + ")", notes);
            }
            if (expectedPrevious != null && !hasher.hash(expectedPrevious, link.body()).equals(link.hash())) {
                return new Report(files, records, at + ": the hash of seq " + link.seq() + " does not match"
                        + " (the record was altered" + (records == 0 && key == null
                        ? "; or the receiver had callback.audit.hmacKeyFile: pass --key" : "") + ")", notes);
            }
            if (!torn.isEmpty()) {
                if (!record.resumed()) {
                    return new Report(files, records, torn.get(0) + ": part of a line, not followed by a resumed record", notes);
                }
                for (String t : torn) {
                    notes.add(t + ": part of a line, a write cut short (answered 503); the chain resumes at seq " + link.seq());
                }
                torn.clear();
            }
            if (anchor != null && link.seq() == anchor.seq() && !link.hash().equals(anchor.hash())) {
                return new Report(files, records, at + ": seq " + link.seq() + " is not the anchor's record"
                        + " (its hash differs from the one kept elsewhere)", notes);
            }
            recent.addLast(new Checked(link.seq(), expectedPrevious, at));
            if (recent.size() > AuditChainWriter.MAX_BATCH) {
                recent.removeFirst();
            }
            previousHash = link.hash();
            previousSeq = link.seq();
            records++;
        }
        if (!torn.isEmpty()) {
            return new Report(files, records, torn.get(torn.size() - 1)
                    + ": the last line is incomplete (cut short by a crash, or truncated)", notes);
        }
        if (anchor != null && previousSeq < anchor.seq()) {
            return new Report(files, records, "the chain ends at seq " + previousSeq + ", before the anchor's seq "
                    + anchor.seq() + ": the newest records were removed", notes);
        }
        return new Report(files, records, null, notes);
    }
}
