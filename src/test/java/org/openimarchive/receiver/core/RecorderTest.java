package org.openimarchive.receiver.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.TinyFilesystem;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.audit.AuditVerifier;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLineWriter;
import org.openimarchive.receiver.audit.AuditSync;
import org.openimarchive.receiver.audit.AuditChainWriter;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.stats.Statistics;

/** Stopping the recorder while requests are still recording: the head it returns is final. */
class RecorderTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @TempDir
    Path dir;

    private AuditLineWriter log;
    private Statistics statistics;

    private Recorder start() {
        return start(dir);
    }

    private Recorder start(Path auditDir) {
        log = AuditLineWriter.start("recorder-" + auditDir.getFileName(), RecorderTest.class.getResource("/openim-receiver-log4j2.xml"),
                Map.of("auditDir", auditDir.toString(), "maxFileSize", Long.toString(100L << 20), "retentionDays", "30"), AuditSync.OS);
        statistics = new Statistics(ZoneOffset.UTC, 30, Clock.fixed(NOW, ZoneOffset.UTC));
        return new Recorder(new AuditChainWriter(log, new AuditChain(null, 0, AuditChain.GENESIS), false),
                new AuditLineFormat(ContentMode.FULL), statistics);
    }

    private static ParsedCallback message(String serverMsgID) throws Exception {
        String body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", serverMsgID);
        return new CallbackParser().parse(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a thread that records {@code serverMsgID}'s message; {@code outcomes} gets "new", "duplicate" or the failure. */
    private static Thread record(Recorder recorder, String serverMsgID, String operationID, Map<String, String> outcomes)
            throws Exception {
        ParsedCallback callback = message(serverMsgID);
        Thread thread = new Thread(() -> {
            try {
                boolean duplicate = recorder.accepted(NOW, "127.0.0.1", operationID, callback);
                outcomes.put(operationID, duplicate ? "duplicate" : "new");
            } catch (AuditWriteException e) {
                outcomes.put(operationID, e.getMessage());
            }
        });
        thread.start();
        return thread;
    }

    /**
     * While the record of {@code m1} is being written (its thread held at the audit log's
     * monitor), 31 more queue one by one: m2 to m32, and as {@code copies} say, IDs again.
     */
    private List<Thread> oneWriteThenOneOfThirtyOne(Recorder recorder, Map<String, String> copies,
                                                   Map<String, String> outcomes) throws Exception {
        List<Thread> threads = new ArrayList<>();
        synchronized (log) {
            threads.add(record(recorder, "m1", "op1", outcomes));
            awaitState(threads.get(0), Thread.State.BLOCKED);
            for (int i = 2; i <= 32; i++) {
                Thread queued = record(recorder, copies.getOrDefault("m" + i, "m" + i), "op" + i, outcomes);
                awaitState(queued, Thread.State.WAITING);
                threads.add(queued);
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return threads;
    }

    private static RejectedRequest refused(String operationID) {
        return new RejectedRequest(NOW, 404, "127.0.0.1", operationID, "POST", "/x", "unknown command", 0L, null);
    }

    private List<String> lines() throws Exception {
        return Files.readAllLines(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
    }

    private static String head(String line) {
        AuditChain.Link link = AuditChain.parse(line);
        return link.seq() + ":" + link.hash();
    }

    @Test
    void aRecordAfterStopIsRefusedAndTheHeadStaysTheLastRecordWritten() throws Exception {
        Recorder recorder = start();
        try {
            recorder.refused(refused("a"));
            recorder.refused(refused("b"));
            String head = recorder.stop();
            AuditWriteException e = assertThrows(AuditWriteException.class, () -> recorder.refused(refused("c")));
            assertEquals("audit write refused: the receiver is stopping", e.getMessage());
            List<String> lines = lines();
            assertEquals(2, lines.size());
            assertEquals(head(lines.get(1)), head);
            assertTrue(head.startsWith("2:"), head);
        } finally {
            log.close();
        }
    }

    @Test
    void aRecordWaitingWhileTheRecorderStopsIsRefused() throws Exception {
        Recorder recorder = start();
        try {
            recorder.refused(refused("a"));
            AtomicReference<String> head = new AtomicReference<>();
            AtomicReference<String> late = new AtomicReference<>();
            Thread stopper = new Thread(() -> head.set(recorder.stop()));
            Thread writer = new Thread(() -> {
                try {
                    recorder.refused(refused("late"));
                    late.set("written");
                } catch (AuditWriteException e) {
                    late.set(e.getMessage());
                }
            });
            // the audit log's monitor held while the stop, then the late record, wait to enter it
            synchronized (log) {
                stopper.start();
                awaitBlocked(stopper);
                writer.start();
                awaitBlocked(writer);
            }
            stopper.join();
            writer.join();
            assertEquals("audit write refused: the receiver is stopping", late.get());
            List<String> lines = lines();
            assertEquals(1, lines.size());
            assertEquals(head(lines.get(0)), head.get());
        } finally {
            log.close();
        }
    }

    private static void awaitBlocked(Thread thread) throws InterruptedException {
        awaitState(thread, Thread.State.BLOCKED);
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (thread.getState() != state) {
            assertTrue(System.nanoTime() < deadline, thread.getState().toString());
            Thread.sleep(1);
        }
    }

    @Test
    void aStopAmidEightWritersReturnsTheHeadOfEveryRecordThatWasWritten() throws Exception {
        Recorder recorder = start();
        int writers = 8;
        int each = 200;
        Map<String, Boolean> returned = new ConcurrentHashMap<>();
        AtomicInteger refusedAfterStop = new AtomicInteger();
        AtomicReference<String> head = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        try {
            for (int t = 0; t < writers; t++) {
                int writer = t;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        if (writer == 0 && i == each / 2) {
                            head.set(recorder.stop()); // mid-load, as a container stopping
                        }
                        String id = writer + "-" + i;
                        try {
                            recorder.refused(refused(id));
                            returned.put(id, true);
                        } catch (AuditWriteException e) {
                            refusedAfterStop.incrementAndGet();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            log.close();
        }
        List<String> lines = lines();
        System.out.printf("stop amid 8 writers: %d recorded, %d refused after the stop, head %s%n",
                returned.size(), refusedAfterStop.get(), head.get());
        assertEquals(writers * each, returned.size() + refusedAfterStop.get());
        assertTrue(refusedAfterStop.get() >= each / 2, "writer 0 wrote on after its stop");
        assertEquals(new TreeSet<>(returned.keySet()), new TreeSet<>(lines.stream()
                .map(l -> Json.createReader(new StringReader(l)).readObject().getString("operationID")).toList()));
        assertEquals(returned.size(), lines.size());
        assertEquals(head(lines.get(lines.size() - 1)), head.get());
        assertEquals(lines.size() + ":", head.get().substring(0, head.get().indexOf(':') + 1));
    }

    @Test
    void recordsQueuedDuringAWriteShareTheNextOneInQueueOrderAndACopyAmongThemIsADuplicate() throws Exception {
        Recorder recorder = start();
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        try {
            // op2 is a copy of m1, written just before; op4 a copy of op3's m3, in the same write
            oneWriteThenOneOfThirtyOne(recorder, Map.of("m2", "m1", "m4", "m3"), outcomes);
            assertEquals(2, recorder.writes(), "one write for m1, one for the 31 queued meanwhile");
        } finally {
            log.close();
        }
        assertEquals(32, outcomes.size());
        for (int i = 1; i <= 32; i++) {
            assertEquals(i == 2 || i == 4 ? "duplicate" : "new", outcomes.get("op" + i), "op" + i);
        }
        List<String> lines = lines();
        assertEquals(32, lines.size());
        for (int i = 0; i < 32; i++) {
            var record = Json.createReader(new StringReader(lines.get(i))).readObject();
            assertEquals("op" + (i + 1), record.getString("operationID"), "queue order is chain order");
            assertEquals(i + 1, record.getInt("seq"));
            assertEquals(i == 1 || i == 3, record.containsKey("duplicate"), lines.get(i));
        }
        assertTrue(new AuditVerifier(null).verify(dir, n -> { }).intact());
        String total = statistics.toJson();
        assertTrue(total.contains("\"total\":{\"messages\":30,\"duplicates\":2,"), total);
    }

    @Test
    void aWriteOfManyRecordsThatFailsPartWayAnswersEveryOneAndTheNextRecordTakesThePlaceOfWhatItLeft() throws Exception {
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 256)) {
            Recorder recorder = start(disk.path());
            try {
                recorder.accepted(NOW, "127.0.0.1", "op0", message("m0"));
                // room for the record of m1, and part of the write of the 31 queued behind it
                disk.fill(4096);
                oneWriteThenOneOfThirtyOne(recorder, Map.of(), outcomes);
                disk.free();
                assertFalse(recorder.accepted(NOW, "127.0.0.1", "after", message("m2")),
                        "m2's record was never acknowledged: not a duplicate");
            } finally {
                log.close();
            }
            assertEquals("new", outcomes.get("op1"));
            for (int i = 2; i <= 32; i++) {
                assertTrue(outcomes.get("op" + i).startsWith("audit write failed: "), outcomes.get("op" + i));
            }

            // the failed write left some of its records whole: superseded by the one after, which resumes at seq 3
            List<AuditRecord> records = new ArrayList<>();
            try (AuditReader reader = AuditReader.open(disk.path(), n -> { })) {
                for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                    if (entry instanceof AuditRecord record) {
                        records.add(record);
                    }
                }
            }
            List<AuditRecord> superseded = records.stream().filter(AuditRecord::superseded).toList();
            assertTrue(superseded.size() >= 2, "a failed write of 31 records of 1 KB into 4 KiB left " + superseded.size());
            assertEquals(3, superseded.get(0).seq());
            AuditRecord after = records.get(records.size() - 1);
            assertTrue(after.resumed());
            assertEquals(3, after.seq());
            assertEquals(superseded.size(), after.replaces());
            assertEquals(3 + superseded.size(), records.size());

            AuditVerifier.Report report = new AuditVerifier(null).verify(disk.path(), n -> { });
            assertTrue(report.intact(), report.toString());
            assertEquals(3, report.records());
            assertTrue(report.notes().stream().anyMatch(n -> n.contains(": seq 3 to " + (2 + superseded.size())
                    + " were written whole but their write failed (answered 503); audit.jsonl:")), report.notes().toString());

            // counted live and counted again from the file: the acknowledged three, nothing else
            Statistics replayed = new Statistics(ZoneOffset.UTC, 30, Clock.fixed(NOW, ZoneOffset.UTC));
            new AuditReplay().replay(disk.path(), replayed);
            assertEquals(statistics.toJson(), replayed.toJson());
            assertTrue(replayed.toJson().contains("\"total\":{\"messages\":3,\"duplicates\":0,"), replayed.toJson());
        }
    }
}
