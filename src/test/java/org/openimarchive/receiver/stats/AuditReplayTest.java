package org.openimarchive.receiver.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.ParsedCallback;

class AuditReplayTest {

    @TempDir
    Path dir;

    private final AuditLineFormat format = new AuditLineFormat(ContentMode.OMIT);

    private static String marked(String record, boolean duplicate) {
        return duplicate ? AuditLineFormat.markDuplicate(record) : record;
    }

    @Test
    void replayingTheAuditFilesGivesTheFiguresCountedLive() throws Exception {
        Statistics live = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        StringBuilder rolled = new StringBuilder();
        StringBuilder active = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            Instant time = StatisticsTest.NOW.minusSeconds(3600L * (500 - i));
            String id = "m" + (i % 450); // some duplicates
            var msg = StatisticsTest.parsed(id, "u" + (i % 37), "u" + (i % 11), 101 + i % 3, time.toEpochMilli(), 0);
            boolean duplicate = live.isDuplicate(id);
            String line = marked(format.accepted(time, "127.0.0.1", "op", msg), duplicate);
            live.countAccepted(time, msg.callback(), duplicate);
            (i < 300 ? rolled : active).append(line).append('\n');
            if (i % 50 == 0) {
                RejectedRequest r = new RejectedRequest(time, 400 + i % 16, "127.0.0.1", null, "POST", "/", "x", 1L, "h");
                live.countRefused(time, r.status());
                (i < 300 ? rolled : active).append(format.rejected(r)).append('\n');
            }
        }
        int half = rolled.indexOf("\n", rolled.length() / 2) + 1;
        gzip(dir.resolve("audit-2026-11-01-1.jsonl.gz"), rolled.substring(0, half));
        gzip(dir.resolve("audit-2026-11-01-2.jsonl.gz"), rolled.substring(half));
        // the remains of a write a full disk cut short (answered 503, so not counted live), then a record
        int cut = active.indexOf("\n") + 1;
        Files.writeString(dir.resolve("audit.jsonl"), active.substring(0, cut)
                + "{\"time\":\"2026-11-26T11:00:00.000Z\",\"outc\n" + active.substring(cut));

        Statistics replayed = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        AuditReplay.Result result = new AuditReplay().replay(dir, replayed);

        assertEquals(3, result.files());
        assertEquals(510, result.records(), "500 accepted, 10 rejected");
        assertEquals(1, result.skippedLines());
        assertTrue(result.unreadable().isEmpty());
        assertEquals(live.toJson(), replayed.toJson());
    }

    @Test
    void groupMessagesNotificationsAndPassedWebhooksAreCountedAgainAsLive() throws Exception {
        AuditLineFormat full = new AuditLineFormat(ContentMode.FULL);
        CallbackParser parser = new CallbackParser();
        Statistics live = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        StringBuilder lines = new StringBuilder();
        Instant time = StatisticsTest.NOW.minusSeconds(60);
        for (int i = 0; i < 40; i++) {
            byte[] single = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                    .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", "s" + i % 30).replace("\"19997\"", "\"r" + i % 7 + "\"")
                    .replace("1746797848316", Long.toString(time.toEpochMilli())).getBytes(StandardCharsets.UTF_8);
            ParsedCallback msg = i % 3 == 0 ? parser.parse(Fixtures.asGroup(single), MessageKind.GROUP)
                    : i % 5 == 0 ? parser.parse(Fixtures.bytes("good/notification-1201.json")) : parser.parse(single);
            boolean duplicate = live.isDuplicate(msg.callback().serverMsgID());
            lines.append(marked(full.accepted(time, "127.0.0.1", "op", msg), duplicate)).append('\n');
            live.countAccepted(time, msg.callback(), duplicate);
            if (i % 4 == 0) {
                lines.append(full.passed(time, "127.0.0.1", "op", "callbackUserOnlineCommand", new byte[] {'x'})).append('\n');
                live.countPassed(time, "callbackUserOnlineCommand");
            }
        }
        Files.writeString(dir.resolve("audit.jsonl"), lines);
        Statistics replayed = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        new AuditReplay().replay(dir, replayed);
        assertEquals(live.toJson(), replayed.toJson());
        String doc = replayed.toJson();
        assertTrue(doc.contains("\"passed\":{\"callbackUserOnlineCommand\":10}"), doc);
        assertTrue(doc.contains("\"byConversationKind\":{\"group\":"), doc);
        assertTrue(doc.contains("\"total\":{\"messages\":26,\"duplicates\":13,\"refused\":{},\"notifications\":1,"), doc);
    }

    @Test
    void theSameRecordsInTheSameOrderGiveTheSameDocument() throws Exception {
        Statistics live = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            Instant time = StatisticsTest.NOW.minusSeconds(60L * (2000 - i));
            String id = "m" + (i % 1500);
            var msg = StatisticsTest.parsed(id, "u" + (i % 97), "u" + (i % 13), 101 + i % 5, i % 7 == 0 ? null : time.toEpochMilli(),
                    time.toEpochMilli() - 1000);
            boolean duplicate = live.isDuplicate(id);
            lines.append(marked(format.accepted(time, "127.0.0.1", "op", msg), duplicate)).append('\n');
            live.countAccepted(time, msg.callback(), duplicate);
        }
        gzip(dir.resolve("audit-2026-11-25-1.jsonl.gz"), lines.substring(0, lines.indexOf("\n", lines.length() / 3) + 1));
        Files.writeString(dir.resolve("audit.jsonl"), lines.substring(lines.indexOf("\n", lines.length() / 3) + 1));

        Statistics replayed = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        assertEquals(2000, new AuditReplay().replay(dir, replayed).records());
        assertEquals(live.toJson(), replayed.toJson());
    }

    @Test
    void readsRolledFilesByDateAndSequenceThenTheActiveFile() throws Exception {
        for (String name : List.of("audit-2026-11-02-10.jsonl.gz", "audit-2026-11-02-9.jsonl.gz", "audit-2026-10-31-3.jsonl.gz",
                "audit-2026-11-02-11.jsonl", "audit-2026-11-02-11.jsonl.gz", "audit.jsonl", "other.jsonl", "audit-x.jsonl.gz")) {
            Files.writeString(dir.resolve(name), "");
        }
        assertEquals(List.of("audit-2026-10-31-3.jsonl.gz", "audit-2026-11-02-9.jsonl.gz", "audit-2026-11-02-10.jsonl.gz",
                        "audit-2026-11-02-11.jsonl", "audit.jsonl"),
                AuditFiles.inOrder(dir).stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void aDamagedGzipFileIsReportedAndTheRestIsStillRead() throws Exception {
        Files.write(dir.resolve("audit-2026-11-01-1.jsonl.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});
        Instant time = StatisticsTest.NOW;
        Files.writeString(dir.resolve("audit.jsonl"), format.rejected(
                new RejectedRequest(time, 400, "127.0.0.1", null, "POST", "/", "x", 1L, "h")) + "\n");
        Statistics replayed = new Statistics(ZoneOffset.UTC, 30, StatisticsTest.CLOCK);
        AuditReplay.Result result = new AuditReplay().replay(dir, replayed);
        assertEquals(1, result.records());
        assertEquals(1, result.unreadable().size());
        assertTrue(result.unreadable().get(0).startsWith("audit-2026-11-01-1.jsonl.gz: "), result.unreadable().get(0));
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
