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
class AuditLineWriterTest {

    private static final URL BUILT_IN = AuditLineWriter.class.getResource("/openim-receiver-log4j2.xml");
    private static final Pattern ROLLED = Pattern.compile("audit-\\d{4}-\\d{2}-\\d{2}-(\\d+)\\.jsonl\\.gz");

    @TempDir
    Path dir;

    private AuditLineWriter start(URL config, long maxFileSize) {
        return start(config, maxFileSize, AuditSync.OS);
    }

    private AuditLineWriter start(URL config, long maxFileSize, AuditSync sync) {
        return AuditLineWriter.start("test-" + dir.getFileName(), config, Map.of(
                "auditDir", dir.toString(), "maxFileSize", Long.toString(maxFileSize), "retentionDays", "30"), sync);
    }

    @Test
    void aRecordIsInTheFileWhenWriteReturns() throws Exception {
        try (AuditLineWriter log = start(BUILT_IN, 100 << 20)) {
            log.write("{\"n\":1}");
            assertEquals(List.of("{\"n\":1}"), Files.readAllLines(dir.resolve("audit.jsonl")));
            log.write("{\"n\":\"é\"}");
            assertEquals(List.of("{\"n\":1}", "{\"n\":\"é\"}"),
                    Files.readAllLines(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void appendsToTheFileOfAnEarlierRun() throws Exception {
        try (AuditLineWriter log = start(BUILT_IN, 100 << 20)) {
            log.write("first");
        }
        try (AuditLineWriter log = start(BUILT_IN, 100 << 20)) {
            log.write("second");
        }
        assertEquals(List.of("first", "second"), Files.readAllLines(dir.resolve("audit.jsonl")));
    }

    @Test
    void aWriteToAFullDiskThrowsAndWritingResumesOnAFreshLineWhenThereIsSpace() throws Exception {
        String big = "{\"n\":2,\"pad\":\"" + "x".repeat(6000) + "\"}";
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 256);
             AuditLineWriter log = AuditLineWriter.start("full-disk", BUILT_IN, Map.of("auditDir", disk.path().toString(),
                     "maxFileSize", "104857600", "retentionDays", "30"), AuditSync.OS)) {
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

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(AuditSync.class)
    void rollsBySizeIntoGzipFilesWithoutLosingOrSplittingARecordOrAWrite(AuditSync sync) throws Exception {
        List<String> written = new ArrayList<>();
        try (AuditLineWriter log = start(BUILT_IN, 1024, sync)) {
            for (int i = 0; i < 300; ) {
                // writes of one to three records
                List<String> lines = new ArrayList<>();
                for (int n = 1 + i % 3; n > 0; n--, i++) {
                    lines.add("{\"n\":" + i + ",\"write\":" + written.size() + ",\"pad\":\"" + "x".repeat(40) + "\"}");
                }
                log.write(String.join("\n", lines));
                written.add(String.join("\n", lines));
            }
            // with fsync, the receiver's own channel follows the active file across the rolls
            // (one still on a rolled file would force a file that is gone, and the new one never)
            assertEquals(sync == AuditSync.FSYNC ? 2 : 1, openDescriptors(dir.resolve("audit.jsonl")),
                    "descriptors of this JVM on audit.jsonl: log4j's" + (sync == AuditSync.FSYNC ? " and the forced one" : ""));
        }
        List<Path> rolled;
        try (Stream<Path> files = Files.list(dir)) {
            rolled = files.filter(f -> ROLLED.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(AuditLineWriterTest::index)).toList();
        }
        assertTrue(rolled.size() >= 10, "rolled files: " + rolled);
        // each file holds whole writes
        List<String> read = new ArrayList<>();
        for (Path gz : rolled) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
                read.add(in.lines().collect(java.util.stream.Collectors.joining("\n")));
            }
        }
        read.add(String.join("\n", Files.readAllLines(dir.resolve("audit.jsonl"))));
        assertEquals(String.join("\n", written), String.join("\n", read));
        java.util.Set<Integer> writeEnds = new java.util.HashSet<>();
        int end = 0;
        for (String write : written) {
            writeEnds.add(end += write.length() + 1);
        }
        end = 0;
        for (String file : read) {
            if (!file.isEmpty()) {
                assertTrue(writeEnds.contains(end += file.length() + 1), "a write split across files: " + file);
            }
        }
    }

    /** How many file descriptors of this JVM are open on {@code file} (Linux: /proc/self/fd). */
    private static long openDescriptors(Path file) throws IOException {
        long open = 0;
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : descriptors.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file.toAbsolutePath())) {
                        open++;
                    }
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor among them)
                }
            }
        }
        return open;
    }

    @Test
    void fsyncRefusesAnAppenderWhoseFileItCannotForce() throws Exception {
        String xml = new String(BUILT_IN.openStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace("</Console>", "</Console><Console name=\"auditOut\" target=\"SYSTEM_OUT\" ignoreExceptions=\"false\">"
                        + "<PatternLayout pattern=\"%m%n\" charset=\"UTF-8\"/></Console>")
                .replace("additivity=\"false\">\n      <AppenderRef ref=\"audit\"/>", "additivity=\"false\">\n      <AppenderRef ref=\"auditOut\"/>");
        URL console = Files.writeString(dir.resolve("console.xml"), xml).toUri().toURL();
        start(console, 1024, AuditSync.OS).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(console, 1024, AuditSync.FSYNC));
        assertTrue(e.getMessage().endsWith("appender auditOut of logger openim.callback.audit cannot honour "
                + "callback.audit.sync=fsync: it must be a File, RandomAccessFile, RollingFile or RollingRandomAccessFile "
                + "appender, whose file the receiver forces to the device"), e.getMessage());
    }

    @Test
    void compressesRolledFilesAtGzipsFastestLevel() throws Exception {
        java.util.Random random = new java.util.Random(3);
        try (AuditLineWriter log = start(BUILT_IN, 64 * 1024)) {
            for (int i = 0; i < 2000; i++) {
                log.write("{\"n\":" + i + ",\"user\":\"u" + random.nextInt(5000) + "\",\"text\":\""
                        + Long.toString(random.nextLong(), 36) + " hello " + random.nextInt(100) + "\"}");
            }
        }
        Path gz;
        try (Stream<Path> files = Files.list(dir)) {
            gz = files.filter(f -> ROLLED.matcher(f.getFileName().toString()).matches()).findFirst().orElseThrow();
        }
        byte[] records;
        try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
            records = in.readAllBytes();
        }
        // a gzip file is a 10-byte header, the deflated data, and an 8-byte trailer
        long deflated = Files.size(gz) - 18;
        assertEquals(deflatedSize(records, 1), deflated);
        assertTrue(deflatedSize(records, 6) < deflated, "level 6 would make a smaller file");
    }

    private static long deflatedSize(byte[] data, int level) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(level, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[8192];
        long size = 0;
        while (!deflater.finished()) {
            size += deflater.deflate(buffer);
        }
        deflater.end();
        return size;
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
        try (AuditLineWriter log = start(BUILT_IN, 1024)) {
            for (int i = 0; i < 30; i++) {
                log.write("x".repeat(100));
            }
        }
        assertTrue(Files.notExists(expired), "older than 30 days");
        assertTrue(Files.exists(kept));
        assertTrue(Files.exists(notAudit));
    }

    @Test
    void concurrentWritesToAFullDiskNeverReturnWithoutTheirRecord() throws Exception {
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 256);
             AuditLineWriter log = AuditLineWriter.start("full-disk", BUILT_IN, Map.of("auditDir", disk.path().toString(),
                     "maxFileSize", "104857600", "retentionDays", "30"), AuditSync.OS)) {
            log.write("{\"n\":\"first\"}");
            disk.fill();
            List<String> returned = java.util.Collections.synchronizedList(new ArrayList<>());
            int failed = concurrently(16, 20, (thread, i) -> {
                String line = "{\"n\":\"" + thread + "-" + i + "\",\"pad\":\"" + "x".repeat(300) + "\"}";
                log.write(line);
                returned.add(line);
            });
            assertTrue(failed > 0, "the disk was full");
            List<String> onDisk = Files.readAllLines(disk.path().resolve("audit.jsonl"));
            for (String line : returned) {
                assertTrue(onDisk.contains(line), "returned normally but is not on disk whole: " + line);
            }
            System.out.printf("full disk, 16 threads: %d writes returned, %d threw, %d of the returned found whole%n",
                    returned.size(), failed, returned.stream().filter(onDisk::contains).count());
        }
    }

    @Test
    void aWriteAfterCloseThrowsInsteadOfVanishing() throws Exception {
        AuditLineWriter log = start(BUILT_IN, 100 << 20);
        log.write("before");
        log.close();
        AuditWriteException e = assertThrows(AuditWriteException.class, () -> log.write("after"));
        assertEquals("audit write refused: the receiver is stopping", e.getMessage());
        assertEquals(List.of("before"), Files.readAllLines(dir.resolve("audit.jsonl")));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "ignoreExceptions=\"false\" | ignoreExceptions=\"true\"  | appender audit of logger openim.callback.audit must have ignoreExceptions=\"false\"",
        "immediateFlush=\"true\"    | immediateFlush=\"false\"   | appender audit of logger openim.callback.audit must have immediateFlush=\"true\"",
        "shutdownHook=\"disable\"   | shutdownHook=\"disable\" monitorInterval=\"30\" | monitorInterval must not be set: a reload could drop audit records",
        "<AppenderRef ref=\"audit\"/> | <AppenderRef ref=\"audit\" level=\"warn\"/> | logger openim.callback.audit filters audit records",
        "<Logger name=\"openim.callback.audit\" level=\"info\" additivity=\"false\"> | <Logger name=\"openim.callback.audit\" level=\"info\" additivity=\"false\"><ThresholdFilter level=\"error\"/> | logger openim.callback.audit filters audit records",
        "</Console> | </Console><Async name=\"async\" ignoreExceptions=\"false\"><AppenderRef ref=\"audit\"/></Async> | ",
        "pattern=\"%m%n\" charset=\"UTF-8\" | pattern=\"%d %m%n\" charset=\"UTF-8\" | appender audit of logger openim.callback.audit must have <PatternLayout pattern=\"%m%n\" charset=\"UTF-8\"/>: the records are written as they are, one line each, several in one event",
    })
    void refusesABuiltInConfigurationEditedToDropRecords(String from, String to, String fault) throws Exception {
        String xml = new String(BUILT_IN.openStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(xml.contains(from), from);
        if (fault == null) {
            // route the audit logger through an asynchronous appender
            xml = xml.replace(from, to).replace("<Logger name=\"openim.callback.audit\" level=\"info\" additivity=\"false\">\n      <AppenderRef ref=\"audit\"/>",
                    "<Logger name=\"openim.callback.audit\" level=\"info\" additivity=\"false\">\n      <AppenderRef ref=\"async\"/>");
            fault = "appender async of logger openim.callback.audit is asynchronous; audit records must be written before the callback is answered";
        } else {
            xml = xml.replace(from, to);
        }
        Path edited = Files.writeString(dir.resolve("edited.xml"), xml);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(edited.toUri().toURL(), 1024));
        assertTrue(e.getMessage().endsWith(fault), e.getMessage());
    }

    /** Runs {@code threads} threads of {@code each} writes; returns how many writes threw. */
    private static int concurrently(int threads, int each, Write write) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        try {
                            write.write(thread, i);
                        } catch (AuditWriteException e) {
                            failed.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            th.start();
            all.add(th);
        }
        go.countDown();
        for (Thread th : all) {
            th.join();
        }
        return failed.get();
    }

    private interface Write {
        void write(int thread, int i) throws AuditWriteException;
    }

    @Test
    void refusesAConfigurationThatWouldDropRecords() throws IOException {
        IllegalStateException off = assertThrows(IllegalStateException.class,
                () -> start(AuditLineWriterTest.class.getResource("/log4j/audit-off.xml"), 1024));
        assertTrue(off.getMessage().endsWith("logger openim.callback.audit must be enabled at level INFO"), off.getMessage());
        IllegalStateException unrouted = assertThrows(IllegalStateException.class,
                () -> start(AuditLineWriterTest.class.getResource("/log4j/audit-unrouted.xml"), 1024));
        assertTrue(unrouted.getMessage().endsWith("logger openim.callback.audit has no appender"), unrouted.getMessage());
    }

    private static int index(Path rolled) {
        Matcher m = ROLLED.matcher(rolled.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1));
    }
}
