package org.openimarchive.receiver.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLineWriter;
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

    private Recorder start() {
        log = AuditLineWriter.start("recorder-" + dir.getFileName(), RecorderTest.class.getResource("/openim-receiver-log4j2.xml"),
                Map.of("auditDir", dir.toString(), "maxFileSize", Long.toString(100L << 20), "retentionDays", "30"));
        return new Recorder(new AuditChainWriter(log, new AuditChain(null, 0, AuditChain.GENESIS), false),
                new AuditLineFormat(ContentMode.FULL), new Statistics(ZoneOffset.UTC, 30, Clock.fixed(NOW, ZoneOffset.UTC)));
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
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (thread.getState() != Thread.State.BLOCKED) {
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
}
