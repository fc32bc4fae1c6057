package org.openimarchive.receiver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of the audit files: order, torn lines, resumed records, damaged files, progress. */
class AuditReaderTest {

    @TempDir
    Path dir;

    private final AuditChain chain = new AuditChain(null, 0, AuditChain.GENESIS);

    /** A rejected request's record, sealed as the next link. */
    private String sealed(int n, boolean resumed) {
        String record = "{\"time\":\"2026-11-26T10:00:0" + n % 10 + ".000Z\",\"outcome\":\"rejected\",\"status\":400,\"n\":" + n
                + (resumed ? ",\"resumed\":true" : "") + "}";
        AuditChain.Sealed sealed = chain.seal(record);
        chain.advance(sealed);
        return sealed.line();
    }

    private List<AuditReader.Entry> readAll(List<Long> progress) throws IOException {
        List<AuditReader.Entry> entries = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(dir, progress::add)) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                if (!(entry instanceof AuditReader.EndOfFile)) {
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    private List<AuditReader.Entry> readAll() throws IOException {
        return readAll(new ArrayList<>());
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsRolledFilesThenTheActiveOneWithWhatEachRecordSays() throws Exception {
        gzip(dir.resolve("audit-2026-11-25-2.jsonl.gz"), sealed(1, false) + "\n" + sealed(2, false) + "\n");
        Files.writeString(dir.resolve("audit.jsonl"), sealed(3, false) + "\n");
        AuditLineFormat format = new AuditLineFormat(ContentMode.FULL);
        Files.writeString(dir.resolve("audit.jsonl"), format.rejected(new RejectedRequest(Instant.parse(
                "2026-11-26T10:00:00.123Z"), 413, "10.0.0.1", "op", "POST", "/x", "too large", 9L, null)) + "\n",
                StandardOpenOption.APPEND);

        List<AuditReader.Entry> entries = readAll();
        assertEquals(4, entries.size());
        AuditRecord first = (AuditRecord) entries.get(0);
        assertEquals("audit-2026-11-25-2.jsonl.gz:1", first.at());
        assertEquals(AuditRecord.Outcome.REJECTED, first.outcome());
        assertEquals(400, first.status());
        assertEquals(1, first.seq());
        assertEquals(Instant.parse("2026-11-26T10:00:01Z"), first.time());
        assertTrue(first.counts());
        assertEquals("audit.jsonl:1", ((AuditRecord) entries.get(2)).at());
        AuditRecord unsealed = (AuditRecord) entries.get(3);
        assertEquals(413, unsealed.status());
        assertEquals(0, unsealed.seq());
        assertNull(unsealed.link());
        assertEquals(Instant.parse("2026-11-26T10:00:00.123Z"), unsealed.time());
    }

    @Test
    void aTornLineIsGivenAsSuchAndEmptyLinesAreSkipped() throws Exception {
        String torn = sealed(2, false);
        Files.writeString(dir.resolve("audit.jsonl"), sealed(1, false) + "\n" + torn.substring(0, 40) + "\n" + "\n"
                + "not json at all\n" + sealed(3, true) + "\n");
        List<AuditReader.Entry> entries = readAll();
        assertEquals(4, entries.size(), entries.toString());
        assertEquals(new AuditReader.TornLine("audit.jsonl", 2), entries.get(1));
        assertEquals(new AuditReader.TornLine("audit.jsonl", 4), entries.get(2));
        AuditRecord resumed = (AuditRecord) entries.get(3);
        assertEquals("audit.jsonl:5", resumed.at());
        assertTrue(resumed.resumed());
        assertEquals(0, resumed.replaces(), "seq 3 follows seq 1: it replaces nothing");
        assertFalse(((AuditRecord) entries.get(0)).superseded());
    }

    @Test
    void aResumedRecordWithTheSameSeqTakesThePlaceOfTheOneBeforeItAcrossTornLinesAndFiles() throws Exception {
        String one = sealed(1, false);
        // seq 2 reached the disk whole but its write failed at its end: the chain stays at seq 1
        String failed = chain.seal("{\"time\":\"2026-11-26T10:00:02.000Z\",\"outcome\":\"rejected\",\"status\":400}").line();
        String tornAfterIt = chain.seal("{\"time\":\"2026-11-26T10:00:02.000Z\",\"outcome\":\"rejected\"}").line()
                .substring(0, 30);
        String replacement = sealed(2, true);
        gzip(dir.resolve("audit-2026-11-25-1.jsonl.gz"), one + "\n" + failed + "\n" + tornAfterIt + "\n");
        Files.writeString(dir.resolve("audit.jsonl"), "\n" + replacement + "\n");

        List<AuditReader.Entry> entries = readAll();
        assertEquals(4, entries.size(), entries.toString());
        AuditRecord superseded = (AuditRecord) entries.get(1);
        assertEquals("audit-2026-11-25-1.jsonl.gz:2", superseded.at());
        assertTrue(superseded.superseded());
        assertFalse(superseded.counts());
        assertInstanceOf(AuditReader.TornLine.class, entries.get(2), "the torn line stays where it was read");
        AuditRecord replacing = (AuditRecord) entries.get(3);
        assertEquals("audit.jsonl:2", replacing.at());
        assertEquals(1, replacing.replaces());
        assertTrue(replacing.counts());
        assertEquals(2, replacing.seq());
    }

    @Test
    void aDamagedGzipFileIsReportedAfterWhatCouldBeReadAndTheNextFileIsRead() throws Exception {
        gzip(dir.resolve("audit-2026-11-25-1.jsonl.gz"), sealed(1, false) + "\n" + sealed(2, false) + "\n");
        byte[] whole = Files.readAllBytes(dir.resolve("audit-2026-11-25-1.jsonl.gz"));
        Files.write(dir.resolve("audit-2026-11-25-1.jsonl.gz"), Arrays.copyOf(whole, whole.length - 12));
        Files.write(dir.resolve("audit-2026-11-25-2.jsonl.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});
        Files.writeString(dir.resolve("audit.jsonl"), sealed(3, false) + "\n");

        List<AuditReader.Entry> entries = readAll();
        int unreadable = 0;
        for (AuditReader.Entry entry : entries) {
            if (entry instanceof AuditReader.UnreadableFile file) {
                unreadable++;
                assertTrue(file.file().startsWith("audit-2026-11-25-"), file.toString());
            }
        }
        assertEquals(2, unreadable, entries.toString());
        AuditRecord last = (AuditRecord) entries.get(entries.size() - 1);
        assertEquals("audit.jsonl:1", last.at());
        assertEquals(3, last.seq());
    }

    @Test
    void progressIsToldEveryMillionLines() throws Exception {
        StringBuilder text = new StringBuilder();
        String line = "{\"time\":\"2026-11-26T10:00:00.000Z\",\"outcome\":\"rejected\",\"status\":400}\n";
        for (int i = 0; i < 2_100_000; i++) {
            text.append(i % 2 == 0 ? line : "\n");
        }
        gzip(dir.resolve("audit-2026-11-25-1.jsonl.gz"), text.toString());
        List<Long> progress = new ArrayList<>();
        List<AuditReader.Entry> entries = readAll(progress);
        assertEquals(1_050_000, entries.size());
        assertEquals(List.of(1_000_000L, 2_000_000L), progress);
    }
}
