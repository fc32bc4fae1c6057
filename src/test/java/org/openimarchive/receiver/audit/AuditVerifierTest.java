package org.openimarchive.receiver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.Statistics;

/** Archives written as the receiver writes them (real log4j, rollovers, restarts), then tampered with. */
class AuditVerifierTest {

    private static final URL BUILT_IN = AuditLineWriter.class.getResource("/openim-receiver-log4j2.xml");
    private static final byte[] KEY = "a key of thirty-two bytes, or so".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private int written;

    /** One run of the receiver: recovers the chain from the files, as at start-up, and writes {@code n} records. */
    private void run(int n, byte[] key) throws Exception {
        AuditChain.Link last = null;
        try (AuditReader reader = AuditReader.open(dir, lines -> { })) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                if (entry instanceof AuditRecord record && record.link() != null) {
                    last = record.link();
                }
            }
        }
        AuditChain chain = last == null ? new AuditChain(key, 0, AuditChain.GENESIS) : new AuditChain(key, last.seq(), last.hash());
        boolean tornTail = AuditFiles.endsTorn(dir.resolve(AuditFiles.ACTIVE));
        try (AuditLineWriter log = AuditLineWriter.start("verifier-" + written, BUILT_IN, Map.of("auditDir", dir.toString(),
                "maxFileSize", "1024", "retentionDays", "30"), AuditSync.OS)) {
            AuditChainWriter trail = new AuditChainWriter(log, chain, tornTail);
            for (int i = 0; i < n; i++) {
                written++;
                trail.write(List.of("{\"time\":\"2026-11-26T10:00:00.000Z\",\"outcome\":\"rejected\",\"status\":400,\"n\":"
                        + written + ",\"pad\":\"" + "x".repeat(60) + "\"}"));
            }
        }
    }

    private AuditVerifier.Report verify(byte[] key) throws IOException {
        return new AuditVerifier(key).verify(dir, lines -> { });
    }

    private List<Path> rolled() throws IOException {
        return AuditFiles.inOrder(dir).stream().filter(f -> f.toString().endsWith(".gz")).toList();
    }

    @Test
    void anArchiveWithRolloversAndRestartsIsIntact() throws Exception {
        run(100, null);
        run(100, null);
        run(100, null);
        AuditVerifier.Report report = verify(null);
        assertNull(report.breakAt(), report.toString());
        assertEquals(300, report.records());
        assertTrue(report.files() > 10, "rolled: " + report.files());
        assertEquals(List.of(), report.notes());
    }

    @Test
    void anEditedByteIsFoundAndLocated() throws Exception {
        run(60, null);
        List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"));
        lines.set(1, lines.get(1).replace("\"status\":400", "\"status\":401"));
        Files.write(dir.resolve("audit.jsonl"), lines);
        String breakAt = verify(null).breakAt();
        assertTrue(breakAt.startsWith("audit.jsonl:2: the hash of seq ") && breakAt.contains("does not match"), breakAt);
    }

    @Test
    void anEditInsideARolledFileIsFound() throws Exception {
        run(60, null);
        Path gz = rolled().get(1);
        String text = gunzip(gz);
        gzip(gz, text.replaceFirst("\"n\":(\\d+)", "\"n\":9$1"));
        String breakAt = verify(null).breakAt();
        assertTrue(breakAt.startsWith(gz.getFileName() + ":1: the hash of seq "), breakAt);
    }

    @Test
    void aDeletedLineIsFound() throws Exception {
        run(60, null);
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("audit.jsonl")));
        lines.remove(1);
        Files.write(dir.resolve("audit.jsonl"), lines);
        String breakAt = verify(null).breakAt();
        assertTrue(breakAt.startsWith("audit.jsonl:2: seq ") && breakAt.contains("(records missing, added or out of order)"), breakAt);
    }

    @Test
    void twoSwappedLinesAreFound() throws Exception {
        run(60, null);
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("audit.jsonl")));
        String second = lines.get(1);
        lines.set(1, lines.get(2));
        lines.set(2, second);
        Files.write(dir.resolve("audit.jsonl"), lines);
        assertTrue(verify(null).breakAt().startsWith("audit.jsonl:2: seq "), verify(null).breakAt());
    }

    @Test
    void aRemovedRolledFileIsFound() throws Exception {
        run(60, null);
        List<Path> rolled = rolled();
        Files.delete(rolled.get(2));
        String breakAt = verify(null).breakAt();
        assertTrue(breakAt.startsWith(rolled.get(3).getFileName() + ":1: seq ") && breakAt.endsWith(", or a file missing)"), breakAt);
    }

    @Test
    void aTruncatedLastLineIsFound() throws Exception {
        run(60, null);
        Path active = dir.resolve("audit.jsonl");
        long size = Files.size(active);
        try (var channel = java.nio.channels.FileChannel.open(active, StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }
        int lines = Files.readAllLines(active).size();
        assertEquals("audit.jsonl:" + lines + ": the last line is incomplete (cut short by a crash, or truncated)",
                verify(null).breakAt());
    }

    @Test
    void aWriteCutShortByACrashIsANoteOnceTheChainResumes() throws Exception {
        run(30, null);
        // a crash in the middle of a write leaves part of a line at the end of the file
        Files.writeString(dir.resolve("audit.jsonl"), "{\"time\":\"2026-11-26T10:00:00.000Z\",\"outc",
                StandardOpenOption.APPEND);
        run(5, null);
        AuditVerifier.Report report = verify(null);
        assertNull(report.breakAt(), report.toString());
        assertEquals(35, report.records());
        assertEquals(1, report.notes().size());
        assertTrue(report.notes().get(0).contains("part of a line, a write cut short (answered 503); the chain resumes at seq 31"),
                report.notes().toString());
    }

    /** A rejected record numbered {@code n}, as the recorder formats it. */
    private static String record(int n, boolean resumed) {
        return "{\"time\":\"2026-11-26T10:00:00.000Z\",\"outcome\":\"rejected\",\"status\":400,\"n\":" + n
                + (resumed ? ",\"resumed\":true}" : "}");
    }

    @Test
    void severalTornLinesBeforeTheResumedRecordAreNotes() throws Exception {
        AuditChain chain = new AuditChain(null, 0, AuditChain.GENESIS);
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            AuditChain.Sealed sealed = chain.seal(record(n, false));
            chain.advance(sealed);
            lines.add(sealed.line());
        }
        // two writes cut short one after the other (a disk that had a little space, then none)
        lines.add("{\"time\":\"2026-11-26T10:00:00.000Z\",\"outc");
        lines.add("{\"time\":\"2026");
        lines.add("");
        lines.add(chain.seal(record(4, true)).line());
        Files.write(dir.resolve("audit.jsonl"), lines);
        AuditVerifier.Report report = verify(null);
        assertNull(report.breakAt(), report.toString());
        assertEquals(4, report.records());
        assertEquals(2, report.notes().size(), report.notes().toString());
    }

    @Test
    void aWholeRecordWhoseWriteFailedAtItsEndIsTakenOverByTheResumedOne() throws Exception {
        AuditChain chain = new AuditChain(null, 0, AuditChain.GENESIS);
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            AuditChain.Sealed sealed = chain.seal(record(n, false));
            chain.advance(sealed);
            lines.add(sealed.line());
        }
        // seq 3 reached the disk whole, but its write failed at the very end: no link, answered 503
        lines.add(chain.seal(record(3, false)).line());
        lines.add(chain.seal(record(4, true)).line());
        Files.write(dir.resolve("audit.jsonl"), lines);
        AuditVerifier.Report report = verify(null);
        assertNull(report.breakAt(), report.toString());
        assertEquals(3, report.records());
        assertEquals(List.of("audit.jsonl:3: seq 3 was written whole but its write failed (answered 503); audit.jsonl:4 takes its place"),
                report.notes());

        // and the statistics count what was acknowledged: not the record answered 503
        Statistics replayed = new Statistics(java.time.ZoneOffset.UTC, 30, java.time.Clock.systemUTC());
        assertEquals(3, new AuditReplay().replay(dir, replayed).records());
        assertTrue(replayed.toJson().contains("\"refused\":{\"400\":3}"), replayed.toJson());
    }

    @Test
    void aChainThatStartsAfterRetentionDeletedTheOldestFilesIsIntactWithANote() throws Exception {
        run(60, null);
        Files.delete(rolled().get(0));
        AuditVerifier.Report report = verify(null);
        assertNull(report.breakAt(), report.toString());
        assertTrue(report.notes().get(0).contains("the chain starts at seq "), report.notes().toString());
    }

    @Test
    void anHmacChainNeedsItsKey() throws Exception {
        run(20, KEY);
        assertNull(verify(KEY).breakAt());
        String withoutKey = verify(null).breakAt();
        assertTrue(withoutKey.endsWith("(the record was altered; or the receiver had callback.audit.hmacKeyFile: pass --key)"),
                withoutKey);
        assertTrue(verify("another key of thirty-two bytes.".getBytes(StandardCharsets.UTF_8)).breakAt().contains("does not match"));
    }

    @Test
    void anAnchorKeptElsewhereShowsThatTheNewestRecordsWereRemoved() throws Exception {
        run(10, null);
        List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"));
        AuditChain.Link head = AuditChain.parse(lines.get(lines.size() - 1));
        AuditVerifier.Anchor anchor = AuditVerifier.Anchor.parse(head.seq() + ":" + head.hash());
        assertNull(new AuditVerifier(null).verify(dir, anchor, n -> { }).breakAt());
        Files.write(dir.resolve("audit.jsonl"), lines.subList(0, lines.size() - 2));
        assertNull(verify(null).breakAt(), "without the anchor the cut cannot be seen");
        assertEquals("the chain ends at seq " + (head.seq() - 2) + ", before the anchor's seq " + head.seq()
                + ": the newest records were removed", new AuditVerifier(null).verify(dir, anchor, n -> { }).breakAt());
    }

    @Test
    void aRecordWithoutItsSealIsABreak() throws Exception {
        run(5, null);
        Files.writeString(dir.resolve("audit.jsonl"), "{\"time\":\"2026-11-26T10:00:00.000Z\",\"outcome\":\"rejected\"}\n",
                StandardOpenOption.APPEND);
        assertTrue(verify(null).breakAt().endsWith(": a record without seq and hash"));
    }

    private static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
