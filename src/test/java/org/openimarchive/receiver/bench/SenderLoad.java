package org.openimarchive.receiver.bench;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditVerifier;
import org.openimarchive.receiver.it.TomcatServer;

/**
 * Eight senders posting unique messages (operationID and serverMsgID alike) to the receiver
 * on a {@link TomcatServer} while the test stops it one way or another; what the senders
 * saw over every round, and what the audit files hold of what was acknowledged. Public for
 * the integration tests that stop a loaded Tomcat (CrashIT, GracefulStopIT).
 */
public final class SenderLoad {

    static final int SENDERS = 8;
    static final String COMMAND_PATH = "/" + TomcatServer.APP + "/callbackAfterSendSingleMsgCommand";
    /** How long the senders post before the container is stopped. */
    private static final Duration BEFORE_STOP = Duration.ofSeconds(2);

    /** What ends a round: run while every sender is mid-request. */
    public interface Stop {
        void stop() throws InterruptedException;
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Posted, but the connection failed before a reply: recorded or not. */
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    /** Answered neither 200 nor 5xx: the id, and the status and start of the reply. */
    private final Map<String, String> otherRefusals = new ConcurrentHashMap<>();

    /**
     * Posts from eight senders for two seconds, then stops the container with {@code stop}
     * and waits for every sender to notice. A sender ends at its first connection error: the
     * server is gone or going.
     */
    public void round(TomcatServer tomcat, int round, Stop stop) throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            running.add(senders.submit(() -> {
                for (int i = 0; !stopped.get(); i++) {
                    String id = "r" + round + "-s" + sender + "-" + i;
                    posted.incrementAndGet();
                    HttpResponse<String> reply;
                    try {
                        reply = send(tomcat, id);
                    } catch (IOException e) {
                        unanswered.add(id);
                        return null;
                    }
                    int status = reply.statusCode();
                    if (status == 200) {
                        acknowledged.add(id);
                    } else if (status >= 500) {
                        serverErrors.incrementAndGet();
                    } else {
                        String body = reply.body();
                        otherRefusals.put(id, status + " " + body.substring(0, Math.min(body.length(), 60)));
                    }
                }
                return null;
            }));
        }
        Thread.sleep(BEFORE_STOP.toMillis());
        stop.stop();
        stopped.set(true);
        senders.shutdown();
        if (!senders.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a sender is still waiting a minute after the stop");
        }
        for (Future<?> sender : running) {
            sender.get(); // what failed a sender other than the connection fails the test
        }
    }

    /** Posts one message outside any round; returns the status, counting a 200 as acknowledged. */
    public int postOne(TomcatServer tomcat, String id) throws IOException, InterruptedException {
        posted.incrementAndGet();
        int status = send(tomcat, id).statusCode();
        if (status == 200) {
            acknowledged.add(id);
        }
        return status;
    }

    private HttpResponse<String> send(TomcatServer tomcat, String id) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(tomcat.uri(COMMAND_PATH))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .header("operationID", id).POST(HttpRequest.BodyPublishers.ofByteArray(message(id))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] message(String serverMsgID) {
        return new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", serverMsgID).getBytes(StandardCharsets.UTF_8);
    }

    /** What the audit files of {@code auditDir} hold of the acknowledged callbacks. */
    public Check check(Path auditDir) throws IOException {
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
        List<String> duplicated = new ArrayList<>();
        for (String id : new TreeSet<>(acknowledged)) {
            Integer count = found.get(id);
            if (count == null) {
                lost.add(id);
            } else if (count > 1) {
                duplicated.add(id);
            }
        }
        long unansweredRecorded = unanswered.stream().filter(found::containsKey).count();
        return new Check(posted.get(), acknowledged.size(), acknowledged.size() - lost.size(), lost, duplicated,
                serverErrors.get(), otherRefusals.entrySet().stream()
                        .map(e -> e.getValue() + (found.containsKey(e.getKey()) ? " (recorded)" : " (not recorded)")).sorted().toList(),
                unanswered.size(), unansweredRecorded, torn,
                new AuditVerifier(null).verify(auditDir, n -> { }));
    }

    /** The figures of every round so far, and the verdict of the audit files. */
    public record Check(long requests, int acknowledged, int found, List<String> lost, List<String> duplicated,
                        long serverErrors, List<String> otherRefusals, long connectionErrors, long unansweredRecorded,
                        int tornLines, AuditVerifier.Report chain) {

        public String figures() {
            return String.format("%d requests, %d acknowledged, %d found, %d lost, %d recorded twice, %d 5xx, "
                    + "%d other refusals %s, %d connection errors (%d of them recorded), %d torn lines, chain %s", requests,
                    acknowledged, found, lost.size(), duplicated.size(), serverErrors, otherRefusals.size(), otherRefusals,
                    connectionErrors,
                    unansweredRecorded, tornLines,
                    chain.breakAt() == null ? "intact" : "broken at " + chain.breakAt());
        }
    }
}
