package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditVerifier;

/**
 * Kills Tomcat with SIGKILL while 8 senders post unique messages, three times over: every
 * callback that got 200 must be in the audit files exactly once after the restart, every
 * line a whole record but what a write the kill cut short left, and the chain intact.
 */
class CrashIT {

    private static final int SENDERS = 8;
    private static final int KILLS = 3;
    private static final String COMMAND_PATH = "/" + TomcatServer.APP + "/callbackAfterSendSingleMsgCommand";

    @TempDir
    Path base;

    @Test
    void nothingAcknowledgedIsLostWhenTheJvmIsKilledUnderLoad() throws Exception {
        Path home = TomcatServer.home("tomcat10.home");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        long posted = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            TomcatServer tomcat = TomcatServer.start(home, base, Map.of());
            try {
                if (kill == 1) {
                    tomcat.deploy();
                } else {
                    tomcat.await("the WAR to start again", Duration.ofSeconds(60),
                            () -> tomcat.status("/" + TomcatServer.APP + "/health") == 200);
                }
                posted += load(tomcat, kill, acknowledged);
            } finally {
                tomcat.kill();
            }
        }
        // a last start: the receiver resumes the chain after whatever the last kill cut short
        try (TomcatServer tomcat = TomcatServer.start(home, base, Map.of())) {
            tomcat.await("the WAR to start again", Duration.ofSeconds(60),
                    () -> tomcat.status("/" + TomcatServer.APP + "/health") == 200);
            HttpResponse<String> last = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tomcat.uri(COMMAND_PATH))
                    .header("Content-Type", "application/json").header("operationID", "after-the-kills")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message("after-the-kills"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, last.statusCode());
            acknowledged.add("after-the-kills");
        }

        Path auditDir = base.resolve("logs/openim-audit");
        Map<String, Integer> found = new HashMap<>();
        int torn = 0;
        for (Path file : AuditFiles.inOrder(auditDir)) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(AuditFiles.open(file), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    try {
                        JsonObject record = Json.createReader(new StringReader(line)).readObject();
                        if (!record.isNull("operationID")) {
                            found.merge(record.getString("operationID"), 1, Integer::sum);
                        }
                    } catch (JsonException e) {
                        torn++;
                    }
                }
            }
        }
        List<String> lost = new ArrayList<>();
        for (String id : acknowledged) {
            Integer count = found.get(id);
            if (count == null) {
                lost.add(id);
            } else {
                assertEquals(1, count, "recorded more than once: " + id);
            }
        }
        System.out.printf("crash: %d kills, %d posted, %d acknowledged, %d found, %d lost, %d torn lines%n",
                KILLS, posted, acknowledged.size(), acknowledged.size() - lost.size(), lost.size(), torn);
        assertEquals(List.of(), lost);
        assertTrue(torn <= KILLS, "at most one line cut short per kill: " + torn);
        AuditVerifier.Report report = new AuditVerifier(null).verify(auditDir, n -> { });
        assertNull(report.breakAt(), report.toString());
    }

    /** Posts unique messages from 8 senders for about two seconds; returns how many were posted. */
    private static long load(TomcatServer tomcat, int round, Set<String> acknowledged) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong posted = new java.util.concurrent.atomic.AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = "r" + round + "-s" + sender + "-" + i;
                    posted.incrementAndGet();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(tomcat.uri(COMMAND_PATH))
                                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                                .header("operationID", id).POST(HttpRequest.BodyPublishers.ofByteArray(message(id))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            acknowledged.add(id);
                        }
                    } catch (Exception e) {
                        return null; // the server is gone
                    }
                }
                return null;
            });
        }
        Thread.sleep(2000);
        // the kill comes while every sender is mid-request
        tomcat.kill();
        stop.set(true);
        senders.shutdown();
        senders.awaitTermination(30, TimeUnit.SECONDS);
        return posted.get();
    }

    private static byte[] message(String serverMsgID) {
        return new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", serverMsgID).getBytes(StandardCharsets.UTF_8);
    }
}
