package org.openimarchive.receiver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.TinyFilesystem;

/** The audit log on real log4j2 and real files, with the configuration the WAR ships. */
class AuditLogTest {

    private static final URL BUILT_IN = AuditLog.class.getResource("/openim-receiver-log4j2.xml");
    private static final Pattern ROLLED = Pattern.compile("audit-\\d{4}-\\d{2}-\\d{2}-(\\d+)\\.jsonl\\.gz");

    @TempDir
    Path dir;

    private AuditLog start(URL config, long maxFileSize) {
        return AuditLog.start("test-" + dir.getFileName(), config, Map.of(
                "auditDir", dir.toString(), "maxFileSize", Long.toString(maxFileSize), "retentionDays", "30"));
    }

    @Test
    void aRecordIsInTheFileWhenWriteReturns() throws Exception {
        try (AuditLog log = start(BUILT_IN, 100 << 20)) {
            log.write("{\"n\":1}");
            assertEquals(List.of("{\"n\":1}"), Files.readAllLines(dir.resolve("audit.jsonl")));
            log.write("{\"n\":\"é\"}");
            assertEquals(List.of("{\"n\":1}", "{\"n\":\"é\"}"),
                    Files.readAllLines(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void appendsToTheFileOfAnEarlierRun() throws Exception {
        try (AuditLog log = start(BUILT_IN, 100 << 20)) {
            log.write("first");
        }
        try (AuditLog log = start(BUILT_IN, 100 << 20)) {
            log.write("second");
        }
        assertEquals(List.of("first", "second"), Files.readAllLines(dir.resolve("audit.jsonl")));
    }

    @Test
    void aWriteToAFullDiskThrowsAndWritingResumesOnAFreshLineWhenThereIsSpace() throws Exception {
        String big = "{\"n\":2,\"pad\":\"" + "x".repeat(6000) + "\"}";
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 256);
             AuditLog log = AuditLog.start("full-disk", BUILT_IN, Map.of("auditDir", disk.path().toString(),
                     "maxFileSize", "104857600", "retentionDays", "30"))) {
            log.write("{\"n\":1}");
            disk.fill();
            AuditWriteException e = assertThrows(AuditWriteException.class, () -> log.write(big));
            assertTrue(e.getMessage().startsWith("audit write failed"), e.getMessage());
            // and again: a failing disk never turns into a silent success
            assertThrows(AuditWriteException.class, () -> log.write(big));
            disk.free();
            log.write("{\"n\":4}");

            List<String> lines = Files.readAllLines(disk.path().resolve("audit.jsonl"));
            assertEquals("{\"n\":1}", lines.get(0));
            assertEquals("{\"n\":4}", lines.get(lines.size() - 1));
            for (String torn : lines.subList(1, lines.size() - 1)) {
                assertTrue(big.startsWith(torn) && !big.equals(torn), "a torn write, not a record: " + torn);
            }
        }
    }

    @Test
    void rollsBySizeIntoGzipFilesWithoutLosingOrSplittingARecord() throws Exception {
        List<String> written = new ArrayList<>();
        try (AuditLog log = start(BUILT_IN, 1024)) {
            for (int i = 0; i < 300; i++) {
                String line = "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}";
                log.write(line);
                written.add(line);
            }
        }
        List<Path> rolled;
        try (Stream<Path> files = Files.list(dir)) {
            rolled = files.filter(f -> ROLLED.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(AuditLogTest::index)).toList();
        }
        assertTrue(rolled.size() >= 10, "rolled files: " + rolled);
        List<String> read = new ArrayList<>();
        for (Path gz : rolled) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
                in.lines().forEach(read::add);
            }
        }
        read.addAll(Files.readAllLines(dir.resolve("audit.jsonl")));
        assertEquals(written, read);
    }

    @Test
    void rollingDeletesRolledFilesOlderThanTheRetention() throws Exception {
        FileTime fortyDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(40)));
        Path expired = Files.writeString(dir.resolve("audit-2020-01-01-1.jsonl.gz"), "");
        Files.setLastModifiedTime(expired, fortyDaysAgo);
        Path kept = Files.writeString(dir.resolve("audit-2020-01-02-1.jsonl.gz"), "");
        Files.setLastModifiedTime(kept, FileTime.from(Instant.now().minus(Duration.ofDays(20))));
        Path notAudit = Files.writeString(dir.resolve("notes.txt"), "");
        Files.setLastModifiedTime(notAudit, fortyDaysAgo);
        try (AuditLog log = start(BUILT_IN, 1024)) {
            for (int i = 0; i < 30; i++) {
                log.write("x".repeat(100));
            }
        }
        assertTrue(Files.notExists(expired), "older than 30 days");
        assertTrue(Files.exists(kept));
        assertTrue(Files.exists(notAudit));
    }

    @Test
    void refusesAConfigurationThatWouldDropRecords() throws IOException {
        IllegalStateException off = assertThrows(IllegalStateException.class,
                () -> start(AuditLogTest.class.getResource("/log4j/audit-off.xml"), 1024));
        assertTrue(off.getMessage().endsWith("logger openim.callback.audit must be enabled at level INFO"), off.getMessage());
        IllegalStateException unrouted = assertThrows(IllegalStateException.class,
                () -> start(AuditLogTest.class.getResource("/log4j/audit-unrouted.xml"), 1024));
        assertTrue(unrouted.getMessage().endsWith("logger openim.callback.audit has no appender"), unrouted.getMessage());
    }

    private static int index(Path rolled) {
        Matcher m = ROLLED.matcher(rolled.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1));
    }
}
