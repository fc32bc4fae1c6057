package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.tool.AuditTool;

/**
 * Two Tomcat 10.1 nodes behind HAProxy with the shipped deploy/haproxy.cfg (only its bind
 * and server addresses replaced), driven as OpenIM drives a webhook (2 workers, keep-alive,
 * 5 s timeout, no retry) at a steady rate for over a minute, while node a is restarted
 * gracefully, then node b, then node a is killed with SIGKILL and started again. Every
 * callback answered 200 must be in exactly one node's audit files, but for one in flight at
 * the kill, which the balancer's retry may have recorded on both (README); no callback may be
 * answered anything but 200 during the graceful restarts; the audit tool's summary of both
 * directories must count every message recorded once.
 */
class ClusterIT {

    private static final String APP_PATH = "/" + TomcatServer.APP;
    private static final Duration LOAD = Duration.ofSeconds(62);
    /** Each worker's pace: 25 callbacks a second, 50 for both. */
    private static final long INTERVAL_MILLIS = 40;
    private static final String STEADY = "steady";
    private static final String KILL = "kill -9 of a, and its start";

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String phase = STEADY;
    /** Every callback sent: its status (-1: no reply within 5 s, or the connection failed), and its phase. */
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, String> phases = new ConcurrentHashMap<>();

    @Test
    void twoNodesBehindHaproxyLoseNothingThroughRestartsAndAKill() throws Exception {
        Path home = TomcatServer.home("tomcat10.home");
        String haproxy = haproxy();
        TomcatServer[] nodes = {start(home, "a"), start(home, "b")};
        Process balancer = null;
        try {
            for (TomcatServer node : nodes) {
                node.deploy();
            }
            int port = freePort();
            Path config = work.resolve("haproxy.cfg");
            Files.writeString(config, Files.readString(Path.of("deploy/haproxy.cfg"))
                    .replace("bind :8080", "bind 127.0.0.1:" + port)
                    .replace("10.0.0.11:8080", "127.0.0.1:" + nodes[0].port())
                    .replace("10.0.0.12:8080", "127.0.0.1:" + nodes[1].port()));
            balancer = new ProcessBuilder(haproxy, "-db", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("haproxy.log").toFile()).start();
            URI lb = URI.create("http://127.0.0.1:" + port + APP_PATH);
            awaitBothInRotation(balancer, lb);

            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int worker = w;
                Thread thread = new Thread(() -> send(lb, worker, stop), "openim-sender-" + w);
                thread.start();
                workers.add(thread);
            }
            long started = System.nanoTime();
            Thread.sleep(5_000);
            nodes[0] = restart(nodes[0], "graceful restart of a", false);
            Thread.sleep(5_000);
            nodes[1] = restart(nodes[1], "graceful restart of b", false);
            Thread.sleep(5_000);
            nodes[0] = restart(nodes[0], KILL, true);
            long left = LOAD.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Thread.sleep(Math.max(left, 5_000));
            stop.set(true);
            for (Thread worker : workers) {
                worker.join(10_000);
                assertTrue(!worker.isAlive(), "a sender still waits 10 s after the end");
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(balancer.isAlive(), "HAProxy exited: " + Files.readString(work.resolve("haproxy.log")));
            balancer.destroy();
            for (TomcatServer node : nodes) {
                node.stop();
            }
            check(seconds);
        } finally {
            if (balancer != null) {
                balancer.destroyForcibly();
            }
            for (TomcatServer node : nodes) {
                node.close();
            }
        }
    }

    private TomcatServer start(Path home, String node) throws Exception {
        return TomcatServer.start(home, work.resolve(node), Map.of("callback.nodeName", node), List.of("-Xmx256m"), "",
                "backgroundProcessorDelay=\"1\"");
    }

    /**
     * Stops the node (SIGTERM, or SIGKILL), starts it again on its port and waits until the
     * balancer has it in rotation again (2 good checks a second apart), all in one phase.
     */
    private TomcatServer restart(TomcatServer node, String name, boolean kill) throws Exception {
        phase = name;
        if (kill) {
            node.kill();
            Thread.sleep(3_000); // the balancer's checks notice: fall 2, inter 1 s
        } else {
            node.stop();
        }
        TomcatServer again = node.relaunch();
        again.await("the WAR to start again", Duration.ofSeconds(60), () -> again.status(APP_PATH + "/health") == 200);
        Thread.sleep(3_000);
        phase = STEADY;
        return again;
    }

    /** One OpenIM sender: one callback after another on a kept-alive connection, at a steady pace, no retry. */
    private void send(URI lb, int worker, AtomicBoolean stop) {
        long start = System.nanoTime();
        for (int i = 0; !stop.get(); i++) {
            String id = "w" + worker + "-" + i;
            phases.put(id, phase);
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(URI.create(lb + "/callbackAfterSendSingleMsgCommand"))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                        .header("operationID", id).POST(HttpRequest.BodyPublishers.ofByteArray(message(id))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            statuses.put(id, status);
            long next = start + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS * (i + 1));
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static byte[] message(String serverMsgID) {
        return new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", serverMsgID).getBytes(StandardCharsets.UTF_8);
    }

    private void check(long seconds) throws IOException {
        Path dirA = work.resolve("a/logs/openim-audit");
        Path dirB = work.resolve("b/logs/openim-audit");
        Map<String, Integer> inA = recorded(dirA);
        Map<String, Integer> inB = recorded(dirB);

        Map<String, Map<Integer, Integer>> byPhase = new TreeMap<>();
        statuses.forEach((id, status) -> byPhase.computeIfAbsent(phases.get(id), p -> new TreeMap<>()).merge(status, 1, Integer::sum));
        int acknowledged = 0;
        List<String> lost = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        List<String> onBoth = new ArrayList<>();
        for (Map.Entry<String, Integer> sent : statuses.entrySet()) {
            String id = sent.getKey();
            int a = inA.getOrDefault(id, 0);
            int b = inB.getOrDefault(id, 0);
            if (a > 1 || b > 1) {
                twice.add(id);
            }
            if (a == 1 && b == 1) {
                onBoth.add(id + " (" + phases.get(id) + ", answered " + sent.getValue() + ")");
            }
            if (sent.getValue() == 200) {
                acknowledged++;
                if (a + b == 0) {
                    lost.add(id);
                }
            }
        }
        Map<String, Integer> found = new HashMap<>(inA);
        inB.forEach((id, n) -> found.merge(id, n, Integer::sum));
        List<String> notAcknowledged = found.keySet().stream().filter(id -> statuses.getOrDefault(id, 0) != 200)
                .map(id -> id + " (" + phases.get(id) + ", answered " + statuses.get(id) + ")").sorted().toList();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, AuditTool.run(new String[] {"summary", dirA.toString(), dirB.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        JsonObject total = Json.createReader(new StringReader(out.toString(StandardCharsets.UTF_8))).readObject()
                .getJsonObject("total");
        ByteArrayOutputStream verified = new ByteArrayOutputStream();
        int verify = AuditTool.run(new String[] {"verify", dirA.toString(), dirB.toString()},
                new PrintStream(verified, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

        System.out.printf("cluster: %d s, %d callbacks sent through HAProxy, %d answered 200, by phase %s; "
                        + "recorded: %d by a, %d by b, %d on both nodes %s, %d recorded but not answered 200 %s, "
                        + "%d lost, %d twice on one node; summary of both: %d messages, %d duplicates; verify: %s%n",
                seconds, statuses.size(), acknowledged, byPhase, inA.size(), inB.size(), onBoth.size(), onBoth,
                notAcknowledged.size(), notAcknowledged, lost.size(), twice.size(), total.getInt("messages"),
                total.getInt("duplicates"), verified.toString(StandardCharsets.UTF_8).strip().replace('\n', ' '));

        assertTrue(seconds >= 60, "the load ran " + seconds + " s");
        assertEquals(List.of(), lost, "answered 200, recorded by no node");
        assertEquals(List.of(), twice, "recorded twice by one node");
        for (Map.Entry<String, Map<Integer, Integer>> p : byPhase.entrySet()) {
            if (p.getKey().startsWith("graceful")) {
                assertEquals(Map.of(200, p.getValue().getOrDefault(200, 0)), p.getValue(), p.getKey());
            }
        }
        for (String both : onBoth) {
            assertTrue(both.contains(KILL), "only a retry after the kill may record a callback on both nodes: " + both);
        }
        // one node holding all the records: each callback recorded once, the second node's record a duplicate
        assertEquals(found.size(), total.getInt("messages"));
        assertEquals(onBoth.size(), total.getInt("duplicates"));
        assertEquals(acknowledged + notAcknowledged.size(), total.getInt("messages"));
        assertEquals(0, verify, verified.toString(StandardCharsets.UTF_8));
    }

    /** The accepted callbacks of a node's audit files, by serverMsgID, with how many records each has. */
    private static Map<String, Integer> recorded(Path dir) throws IOException {
        Map<String, Integer> found = new HashMap<>();
        try (AuditReader reader = AuditReader.open(dir, lines -> { })) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                if (entry instanceof AuditRecord record && record.counts() && record.outcome() == AuditRecord.Outcome.ACCEPTED) {
                    found.merge(record.msg().serverMsgID(), 1, Integer::sum);
                }
            }
        }
        return found;
    }

    /** Waits until the balancer answers /health from both nodes in turn (round robin): both checked up. */
    private void awaitBothInRotation(Process balancer, URI lb) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (seen.size() < 2) {
            if (!balancer.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("HAProxy did not serve both nodes within 30 s:\n"
                        + Files.readString(work.resolve("haproxy.log")));
            }
            try {
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(lb + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() == 200) {
                    // the nodes we started, and no other program on these ports
                    String node = Json.createReader(new StringReader(reply.body())).readObject().getString("node");
                    assertTrue(node.equals("a") || node.equals("b"), reply.body());
                    seen.add(node);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
    }

    private static String haproxy() {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "haproxy"))) {
                return Path.of(dir, "haproxy").toString();
            }
        }
        throw new IllegalStateException("no haproxy: install the Debian package haproxy (bin/test does)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
