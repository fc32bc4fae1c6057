package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.Monitoring;
import org.openimarchive.receiver.TinyFilesystem;

/**
 * The real Prometheus server (Debian's package) with the shipped rules and scrape job against
 * the deployed WAR: traffic and refusals driven, then every dashboard query, every recording
 * rule and every metric the alerts read returns series, every rule evaluates without error,
 * and the audit-unhealthy alert goes to firing on a full audit disk and back once it frees.
 *
 * <p>Prometheus scrapes and evaluates every second. It loads the shipped rules with each
 * {@code for:} cut to 1 s (nothing else changed): the shipped durations are what
 * {@code promtool test rules} checks, and waiting a minute for them here would only measure
 * the clock.
 */
class PrometheusIT {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusEvaluatesEveryRuleAndQueryAndTheAuditAlertFiresAndResolves() throws Exception {
        String prometheus = Monitoring.program("prometheus");
        String promtool = Monitoring.program("promtool");
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 1024);
             DeployedWar war = DeployedWar.deploy(disk.path(),
                     Map.of("callback.allowedSources", "127.0.0.1", "callback.maxBodyBytes", "1KB"))) {

            Path rules = dir.resolve("rules.yml");
            Files.writeString(rules, Files.readString(Monitoring.RULES).replaceAll("(?m)^( +)for: .*$", "$1for: 1s"));
            int port = freePort();
            Path data = dir.resolve("prometheus-data");
            Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                    "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                    "rule_files: [" + rules + "]",
                    "scrape_configs:",
                    "  - job_name: " + Monitoring.JOB,
                    "    metrics_path: " + DeployedWar.CONTEXT + "/metrics",
                    "    static_configs: [{targets: ['127.0.0.1:" + war.port() + "']}]", ""));
            Process server = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            long started = System.nanoTime();
            try {
                URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
                // the server answering is the one started here: it names our data directory
                await("Prometheus to start", () -> {
                    assertTrue(server.isAlive(), () -> "prometheus exited: " + log());
                    HttpResponse<String> r;
                    try {
                        r = http.send(HttpRequest.newBuilder(api.resolve("status/flags")).timeout(Duration.ofSeconds(10))
                                .GET().build(), HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException e) {
                        return null; // not listening yet
                    }
                    if (r.statusCode() != 200) {
                        return null; // listening, not ready: "Service Unavailable"
                    }
                    JsonObject flags = Json.createReader(new StringReader(r.body())).readObject().getJsonObject("data");
                    return flags.getString("storage.tsdb.path").equals(data.toString()) ? flags : null;
                });
                await("the receiver scraped", () -> nonEmpty(query(api, "up{job=\"" + Monitoring.JOB + "\"} == 1")));
                // traffic once Prometheus watches, so that it sees the counters rise
                // in two rounds: a labelled series is first scraped at its first value, and only
                // what it gains after that is a rate
                int[] answered = new int[4];
                traffic(war, answered);
                Thread.sleep(2500);
                traffic(war, answered);

                // promtool check metrics on /metrics, every series there: nothing to report
                Path scraped = dir.resolve("metrics.txt");
                HttpResponse<String> metrics = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/metrics")).GET());
                assertEquals(200, metrics.statusCode());
                Files.writeString(scraped, metrics.body());
                Monitoring.Run lint = Monitoring.run(scraped, promtool, "check", "metrics");
                assertEquals(0, lint.exit(), lint.output());
                assertEquals("", lint.output().strip(), "promtool check metrics");

                List<String> empty = new ArrayList<>();
                List<String> expressions = new ArrayList<>();
                for (String expression : Monitoring.dashboardExpressions()) {
                    expressions.add(Monitoring.withVariables(expression, "30s"));
                }
                for (String record : Monitoring.ruleBlocks("record").keySet()) {
                    expressions.add(record);
                }
                expressions.addAll(metricsTheAlertsRead());
                JsonArray rulesNow = await("every query to return series and every rule to be evaluated", () -> {
                    empty.clear();
                    for (String expression : expressions) {
                        if (!nonEmpty(query(api, expression))) {
                            empty.add(expression);
                        }
                    }
                    JsonArray groups = get(api.resolve("rules")).getJsonObject("data").getJsonArray("groups");
                    boolean evaluated = groups.stream().flatMap(g -> g.asJsonObject().getJsonArray("rules").stream())
                            .allMatch(r -> !r.asJsonObject().getString("lastEvaluation").startsWith("0001"));
                    return empty.isEmpty() && evaluated ? groups : null;
                }, () -> "empty: " + empty);
                int ruleCount = 0;
                for (JsonValue group : rulesNow) {
                    for (JsonValue value : group.asJsonObject().getJsonArray("rules")) {
                        JsonObject rule = value.asJsonObject();
                        assertEquals("ok", rule.getString("health"), rule.getString("name") + ": " + rule);
                        ruleCount++;
                    }
                }
                assertEquals(Monitoring.ruleBlocks("alert").size() + Monitoring.ruleBlocks("record").size(), ruleCount);
                // the refusals driven: 403, 400 and 413 each above 5% of the requests
                Set<String> refusing = await("the refusal alerts to fire", () -> {
                    Set<String> statuses = new TreeSet<>();
                    for (JsonObject alert : alerts(api, "OpenIMReceiverRefusing", "firing")) {
                        statuses.add(alert.getJsonObject("labels").getString("status"));
                    }
                    return statuses.containsAll(Set.of("400", "403", "413")) ? statuses : null;
                });
                double ready = seconds(started);

                // the audit directory unwritable: firing, then resolved
                assertTrue(alerts(api, "OpenIMReceiverAuditUnhealthy", null).isEmpty(), "audit alert before the disk fills");
                disk.fill();
                long filled = System.nanoTime();
                await("the audit alert to fire", () -> alerts(api, "OpenIMReceiverAuditUnhealthy", "firing").isEmpty() ? null : true);
                double toFiring = seconds(filled);
                int refused503 = 0;
                for (int i = 0; i < 5; i++) {
                    refused503 += war.post(DeployedWar.COMMAND_PATH, Fixtures.bytes("good/picture.json"), "full-" + i)
                            .statusCode() == 503 ? 1 : 0;
                }
                assertTrue(refused503 > 0, "a full disk answers 503");
                await("the write-failure alert to fire",
                        () -> alerts(api, "OpenIMReceiverAuditWriteFailures", "firing").isEmpty() ? null : true);
                disk.free();
                long freed = System.nanoTime();
                await("the audit alert to resolve", () -> alerts(api, "OpenIMReceiverAuditUnhealthy", null).isEmpty() ? true : null);
                double toResolved = seconds(freed);
                assertEquals(200, war.post(DeployedWar.COMMAND_PATH, Fixtures.bytes("good/picture.json"), "after").statusCode());

                System.out.printf("prometheus: %d requests (%d accepted, %d refused 400, %d refused 403, %d refused 413);"
                                + " %d dashboard queries, %d recording rules and %d metrics the alerts read return series;"
                                + " %d rules evaluated ok; refusal alerts firing for %s after %.1f s;"
                                + " audit disk full: %d answered 503, AuditUnhealthy firing after %.1f s, resolved %.1f s after the disk freed;"
                                + " promtool check metrics: %d lines, nothing reported%n",
                        answered[0] + answered[1] + answered[2] + answered[3], answered[0], answered[1], answered[2], answered[3],
                        Monitoring.dashboardExpressions().size(), Monitoring.ruleBlocks("record").size(),
                        metricsTheAlertsRead().size(), ruleCount, refusing, ready, refused503, toFiring, toResolved,
                        metrics.body().split("\n").length);
            } finally {
                server.destroy();
                if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** Accepted callbacks (one fixture, so all but the first are duplicates), and refusals: 400 (bad bodies), 403 (from 127.0.0.2), 413. */
    private static void traffic(DeployedWar war, int[] answered) throws Exception {
        byte[] good = Fixtures.bytes("good/picture.json");
        for (int i = 0; i < 10; i++) {
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, good, "ok-" + answered[0]).statusCode());
            answered[0]++;
        }
        for (Path bad : Fixtures.bad().subList(0, 4)) {
            assertEquals(400, war.post(DeployedWar.COMMAND_PATH, Fixtures.bytes(bad), "bad").statusCode());
            answered[1]++;
        }
        InetAddress outsider = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 4; i++) {
            byte[] request = ("POST " + DeployedWar.COMMAND_PATH + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + good.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] whole = new byte[request.length + good.length];
            System.arraycopy(request, 0, whole, 0, request.length);
            System.arraycopy(good, 0, whole, request.length, good.length);
            assertEquals(403, war.raw(whole, outsider).status());
            answered[2]++;
        }
        byte[] large = ("{\"pad\":\"" + "x".repeat(4096) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 4; i++) {
            assertEquals(413, war.post(DeployedWar.COMMAND_PATH, large, "large").statusCode());
            answered[3]++;
        }
    }

    /** The metric names the alert expressions read (recorded series aside): each must exist. */
    private static List<String> metricsTheAlertsRead() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(up|openim_callback_[a-z_]+)\\b(?!:)").matcher(String.join("\n",
                Monitoring.ruleBlocks("alert").values().stream()
                        .map(block -> block.substring(block.indexOf("expr:"), block.indexOf("\n        labels:"))).toList()));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names.stream().map(name -> name + "{job=\"" + Monitoring.JOB + "\"}").toList();
    }

    private List<JsonObject> alerts(URI api, String name, String state) throws Exception {
        List<JsonObject> found = new ArrayList<>();
        for (JsonValue value : get(api.resolve("alerts")).getJsonObject("data").getJsonArray("alerts")) {
            JsonObject alert = value.asJsonObject();
            if (alert.getJsonObject("labels").getString("alertname").equals(name)
                    && (state == null || alert.getString("state").equals(state))) {
                found.add(alert);
            }
        }
        return found;
    }

    private JsonArray query(URI api, String expression) throws Exception {
        JsonObject answer = get(api.resolve("query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8)));
        assertEquals("success", answer.getString("status"), expression + ": " + answer);
        return answer.getJsonObject("data").getJsonArray("result");
    }

    private static boolean nonEmpty(JsonArray result) {
        return !result.isEmpty();
    }

    private JsonObject get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private <T> T await(String what, Callable<T> check) throws Exception {
        return await(what, check, () -> "");
    }

    /** Polls {@code check} until it returns non-null (false counts as null), for at most {@link #WAIT}. */
    private <T> T await(String what, Callable<T> check, java.util.function.Supplier<String> detail) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = check.call();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (java.io.IOException e) {
                last = e; // not listening yet
            }
            Thread.sleep(250);
        }
        return fail("waited " + WAIT.toSeconds() + " s for " + what + " " + detail.get()
                + (last == null ? "" : " (" + last + ")") + "\nprometheus log:\n" + log());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
