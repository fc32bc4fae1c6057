package org.openimarchive.receiver.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditChainWriter;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLineWriter;
import org.openimarchive.receiver.audit.AuditSync;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.core.Receiver;
import org.openimarchive.receiver.stats.Statistics;

class AuditToolTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Statistics live;

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    /** Writes traffic over three days the way the receiver does, counting it live as the receiver does. */
    @BeforeEach
    void writeTraffic() throws Exception {
        // as the receiver's default callback.stats.timeZone
        live = new Statistics(java.time.ZoneId.of("UTC"), 30, Clock.systemUTC());
        AuditLineFormat format = new AuditLineFormat(ContentMode.FULL);
        URL config = AuditLineWriter.class.getResource("/openim-receiver-log4j2.xml");
        try (AuditLineWriter log = AuditLineWriter.start("tool", config, Map.of("auditDir", dir.toString(), "maxFileSize", "2048",
                "retentionDays", "30"), AuditSync.OS)) {
            AuditChainWriter trail = new AuditChainWriter(log, new AuditChain(null, 0, AuditChain.GENESIS), false);
            String[][] messages = {{"alice", "bob", "0"}, {"bob", "alice", "0"}, {"alice", "carol", "1"}, {"dave", "erin", "2"}};
            int n = 0;
            for (String[] m : messages) {
                Instant sent = TODAY.minusDays(Integer.parseInt(m[2])).atTime(12, 0).toInstant(ZoneOffset.UTC);
                String body = jakarta.json.Json.createObjectBuilder().add("sendID", m[0])
                        .add("callbackCommand", "callbackAfterSendSingleMsgCommand").add("serverMsgID", "m" + n++)
                        .add("contentType", 101).add("sendTime", sent.toEpochMilli()).add("recvID", m[1]).build().toString();
                ParsedCallback msg = new CallbackParser().parse(body.getBytes(StandardCharsets.UTF_8));
                trail.write(List.of(format.accepted(sent, "127.0.0.1", "op" + n, msg)));
                live.countAccepted(sent, msg.callback(), false);
            }
            Instant now = Instant.now();
            trail.write(List.of(format.rejected(new RejectedRequest(now, 415, "127.0.0.1", null, "POST", "/", "x", 0L, "e3"))));
            live.countRefused(now, 415);
            // a group message, and another webhook passed on
            Instant sent = TODAY.atTime(13, 0).toInstant(ZoneOffset.UTC);
            String group = jakarta.json.Json.createObjectBuilder().add("sendID", "frank")
                    .add("callbackCommand", "callbackAfterSendGroupMsgCommand").add("serverMsgID", "g1")
                    .add("contentType", 101).add("sendTime", sent.toEpochMilli()).add("groupID", "team").build().toString();
            ParsedCallback msg = new CallbackParser().parse(group.getBytes(StandardCharsets.UTF_8), MessageKind.GROUP);
            trail.write(List.of(format.accepted(sent, "127.0.0.1", "op-group", msg)));
            live.countAccepted(sent, msg.callback(), false);
            trail.write(List.of(format.passed(now, "127.0.0.1", "op-online", "callbackUserOnlineCommand", new byte[] {'{', '}'})));
            live.countPassed(now, "callbackUserOnlineCommand");
        }
    }

    private int run(String... args) {
        return AuditTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String withoutGeneratedAt(String stats) {
        return stats.replaceFirst("\"generatedAt\":\"[^\"]+\",", "");
    }

    @Test
    void verifyExitsZeroWhenIntactAndOneAtABreak() throws Exception {
        assertEquals(0, run("verify", dir.toString()));
        assertEquals("intact: 7 records in 1 files\n", out());
        String head = Files.readAllLines(dir.resolve("audit.jsonl")).get(6);
        String anchor = "7:" + head.substring(head.length() - 66, head.length() - 2);
        out.reset();
        assertEquals(0, run("verify", dir.toString(), "--anchor", anchor));
        assertEquals(1, run("verify", dir.toString(), "--anchor", "8:" + anchor.substring(2)));
        List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"));
        Files.write(dir.resolve("audit.jsonl"), List.of(lines.get(0), lines.get(2), lines.get(3), lines.get(4)));
        out.reset();
        assertEquals(1, run("verify", dir.toString()));
        assertTrue(out().startsWith("BROKEN at audit.jsonl:2: seq 3 follows seq 1"), out());
    }

    @Test
    void summaryPrintsWhatStatsShows() {
        assertEquals(0, run("summary", dir.toString()));
        assertEquals(withoutGeneratedAt(live.toJson()), withoutGeneratedAt(out().strip()));
    }

    @Test
    void summaryHtmlWritesTheDashboardAsOneFileThatLoadsNothing(@TempDir Path pages) throws Exception {
        Path html = pages.resolve("dashboard.html");
        assertEquals(0, run("summary", dir.toString(), "--html", html.toString()));
        String page = Files.readString(html);
        String stats = out().strip();
        // the document printed is the one inlined, the script and Chart.js with it
        assertTrue(page.contains("<script type=\"application/json\" id=\"openim-stats\">" + stats + "</script>"), page);
        assertTrue(page.contains("<script type=\"application/json\" id=\"openim-node\">{\"live\":false,\"auditDirectory\":{\"files\":"));
        assertTrue(page.contains("Chart.js v"), "Chart.js inlined");
        assertTrue(page.contains("function daysShown(stats)"), "dashboard.js inlined");
        // nothing to fetch: no script or style by URL, and a policy that allows only what is inlined
        assertFalse(page.contains("<script src") || page.contains("rel=\"stylesheet\""), "no asset by URL");
        assertTrue(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-"));
        assertFalse(page.contains("sourceMappingURL"), "no source map to fetch");
    }

    @Test
    void summaryHtmlToAFileThatCannotBeWrittenExitsOne(@TempDir Path pages) {
        assertEquals(1, run("summary", dir.toString(), "--html", pages.resolve("no-such-dir/dashboard.html").toString()));
    }

    @Test
    void summaryOfAPeriodCountsOnlyItsDays() {
        assertEquals(0, run("summary", dir.toString(), "--from", TODAY.minusDays(1).toString(), "--to", TODAY.minusDays(1).toString()));
        String summary = out();
        assertTrue(summary.contains("\"days\":1,"), summary);
        assertTrue(summary.contains("\"total\":{\"messages\":1,\"duplicates\":0,\"refused\":{},"), summary);
        assertTrue(summary.contains("\"byDay\":{\"" + TODAY.minusDays(1) + "\":{\"messages\":1,"), summary);
    }

    @Test
    void findPrintsTheMatchingRecordsAsJsonLines() {
        assertEquals(0, run("find", dir.toString(), "--conversation", "bob,alice"));
        List<String> found = out().lines().toList();
        assertEquals(2, found.size(), out());
        assertTrue(found.get(0).contains("\"sendID\":\"alice\"") && found.get(0).contains("\"recvID\":\"bob\""));
        out.reset();
        assertEquals(0, run("find", dir.toString(), "--user", "alice", "--from", TODAY.minusDays(1).toString()));
        assertEquals(3, out().lines().count(), "alice→bob, bob→alice, alice→carol: " + out());
        out.reset();
        assertEquals(0, run("find", dir.toString(), "--content-type", "102"));
        assertEquals("", out());
        out.reset();
        assertEquals(0, run("find", dir.toString(), "--group", "team"));
        assertEquals(1, out().lines().count(), out());
        assertTrue(out().contains("\"groupID\":\"team\""), out());
    }

    @Test
    void summaryCountsGroupMessagesAndPassedWebhooks() {
        assertEquals(0, run("summary", dir.toString()));
        String summary = out();
        assertTrue(summary.contains("\"passed\":{\"callbackUserOnlineCommand\":1},\"byConversationKind\":{\"group\":1,\"single\":4},"),
                summary);
        assertTrue(summary.contains("\"groups\":{\"count\":1,\"exact\":true}"), summary);
    }

    @Test
    void findSkipsLinesItCannotRead() throws Exception {
        Files.writeString(dir.resolve("audit.jsonl"), "{\"outcome\":\"accepted\"}\n{\"outcome\":\"accepted\",\"time\":\"soon\"}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0, run("find", dir.toString(), "--content-type", "101", "--from", TODAY.minusDays(5).toString()));
        assertEquals(5, out().lines().count(), "four one-to-one messages and one group message: " + out());
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run("verify"));
        assertEquals(2, run("frobnicate", dir.toString()));
        assertEquals(2, run("find", dir.toString(), "--colour", "blue"));
        assertEquals(2, run("summary", dir.toString(), "--from", "yesterday"));
        assertEquals(2, run("verify", dir.toString(), "--kee", "k"));
        assertEquals(2, run("verify", dir.toString(), "--anchor", "5"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: java -jar openim-audit-tool.jar"));
    }

    @Test
    void summaryGivesTheSameDocumentWithAndWithoutTheRolledFilesSummaries(@TempDir Path archive) throws Exception {
        Map<String, String> params = Map.of(ReceiverConfig.AUDIT_DIR, archive.toString(), ReceiverConfig.AUDIT_MAX_FILE_SIZE, "64 KB");
        Receiver receiver = Receiver.start(ReceiverConfig.load(params::get, params.keySet(), name -> null, Set.of()), "/tool-test",
                Clock.systemUTC());
        try {
            String text = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8);
            for (int i = 0; i < 10_000; i++) {
                byte[] body = text.replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", "t" + i).replace("\"sendID\":\"10000\"",
                        "\"sendID\":\"s" + i + "\"").replace("1746797848316", Long.toString(Instant.now().toEpochMilli()))
                        .getBytes(StandardCharsets.UTF_8);
                receiver.recorder().accepted(Instant.now(), "127.0.0.1", "op", new CallbackParser().parse(body));
            }
        } finally {
            receiver.stop();
        }
        assertEquals(0, run("summary", archive.toString()));
        String withSummaries = withoutGeneratedAt(out());
        assertTrue(err.toString(StandardCharsets.UTF_8).matches("(?s).*counted \\d+ files: [1-9]\\d* from their summaries.*"),
                err.toString(StandardCharsets.UTF_8));
        try (var files = Files.list(archive)) {
            for (Path summary : files.filter(f -> f.toString().endsWith(".summary")).toList()) {
                Files.delete(summary);
            }
        }
        out.reset();
        err.reset();
        assertEquals(0, run("summary", archive.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(": 0 from their summaries"), err.toString(StandardCharsets.UTF_8));
        assertEquals(withSummaries, withoutGeneratedAt(out()));
        assertTrue(withSummaries.contains("\"exact\":false"), withSummaries);
    }

    /** Node b's directory: the message m0 again (as a load balancer's retry can record it), and one of its own. */
    private Path nodeB(Path b) throws Exception {
        AuditLineFormat format = new AuditLineFormat(ContentMode.FULL);
        URL config = AuditLineWriter.class.getResource("/openim-receiver-log4j2.xml");
        try (AuditLineWriter log = AuditLineWriter.start("tool-b", config, Map.of("auditDir", b.toString(), "maxFileSize", "2048",
                "retentionDays", "30"), AuditSync.OS)) {
            AuditChainWriter trail = new AuditChainWriter(log, new AuditChain(null, 0, AuditChain.GENESIS), false);
            String[][] messages = {{"m0", "alice", "bob"}, {"n1", "gina", "bob"}};
            Instant sent = TODAY.atTime(12, 0, 1).toInstant(ZoneOffset.UTC);
            for (String[] m : messages) {
                String body = jakarta.json.Json.createObjectBuilder().add("sendID", m[1])
                        .add("callbackCommand", "callbackAfterSendSingleMsgCommand").add("serverMsgID", m[0])
                        .add("contentType", 101).add("sendTime", sent.toEpochMilli()).add("recvID", m[2]).build().toString();
                ParsedCallback msg = new CallbackParser().parse(body.getBytes(StandardCharsets.UTF_8));
                trail.write(List.of(format.accepted(sent, "127.0.0.1", "op-" + m[0], msg)));
                live.countAccepted(sent, msg.callback(), m[0].equals("m0"));
            }
        }
        org.openimarchive.receiver.audit.AuditFiles.writeNode(b, "b");
        org.openimarchive.receiver.audit.AuditFiles.writeNode(dir, "a");
        return b;
    }

    @Test
    void summaryOfSeveralNodesIsWhatOneNodeHoldingAllTheirRecordsShows(@TempDir Path b) throws Exception {
        nodeB(b);
        live.nodes(List.of("a", "b"));
        assertEquals(0, run("summary", dir.toString(), b.toString()));
        assertEquals(withoutGeneratedAt(live.toJson()).strip(), withoutGeneratedAt(out()).strip());
        String err = this.err.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("duplicate across nodes: serverMsgID m0 at audit.jsonl:1"), err);
        assertTrue(err.contains("counted 2 nodes (a, b) as one: 9 records read, 1 duplicates across nodes"), err);
        assertTrue(out().contains("\"total\":{\"messages\":6,\"duplicates\":1,"), out());
    }

    @Test
    void verifyOfSeveralNodesChecksEachChain(@TempDir Path b) throws Exception {
        nodeB(b);
        assertEquals(0, run("verify", dir.toString(), b.toString()));
        assertEquals(dir + " (node a): intact: 7 records in 1 files\n" + b + " (node b): intact: 2 records in 1 files\n", out());
        assertEquals(2, run("verify", dir.toString(), b.toString(), "--anchor", "1:00"));
        assertEquals(2, run("find", dir.toString(), b.toString()));
    }
}
