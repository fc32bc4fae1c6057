package org.openimarchive.receiver;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped monitoring (monitoring/: alert and recording rules, dashboard, scrape job) as
 * the tests read it, and the Prometheus programs that check it. A missing program fails the
 * test, naming the Debian package (bin/packages.d/prometheus; bin/test installs it).
 */
public final class Monitoring {

    public static final Path DIR = Path.of("monitoring");
    public static final Path RULES = DIR.resolve("openim-receiver-rules.yml");
    public static final Path RULE_TESTS = DIR.resolve("tests/openim-receiver-rules.test.yml");
    public static final Path DASHBOARD = DIR.resolve("openim-receiver-dashboard.json");
    public static final Path SCRAPE_CONFIG = DIR.resolve("prometheus.yml");
    /** The scrape job's name, which the up-based alerts match. */
    public static final String JOB = "openim-receiver";

    private static final Pattern RULE_START = Pattern.compile("(?m)^ *- (alert|record): *(\\S+) *$");

    private Monitoring() {
    }

    /** The path of {@code program}, failing the test when it is not installed. */
    public static String program(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return fail(program + " is not installed: it comes with the Debian package prometheus"
                + " (apt-get install prometheus; bin/test installs it, see bin/packages.d/prometheus)");
    }

    /** What a program printed, standard error included, and how it exited. */
    public record Run(int exit, String output) {
    }

    public static Run run(Path input, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectInput(input == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(input.toFile()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not end within 60 s");
        }
        return new Run(process.exitValue(), output);
    }

    /** Each rule of the rules file, alert or record, by name, with its text (a name may repeat: the last wins). */
    public static Map<String, String> ruleBlocks(String kind) throws IOException {
        String text = Files.readString(RULES);
        Matcher m = RULE_START.matcher(text);
        List<int[]> starts = new ArrayList<>();
        List<String[]> names = new ArrayList<>();
        while (m.find()) {
            starts.add(new int[] {m.start()});
            names.add(new String[] {m.group(1), m.group(2)});
        }
        Map<String, String> blocks = new LinkedHashMap<>();
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : text.length();
            if (names.get(i)[0].equals(kind)) {
                blocks.put(names.get(i)[1], text.substring(starts.get(i)[0], end));
            }
        }
        return blocks;
    }

    public static JsonObject dashboard() throws IOException {
        return Json.createReader(new StringReader(Files.readString(DASHBOARD))).readObject();
    }

    /** Every query of every panel of the dashboard, rows' panels included, as written in it. */
    public static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonValue panel : dashboard().getJsonArray("panels")) {
            collect(panel.asJsonObject(), expressions);
        }
        return expressions;
    }

    private static void collect(JsonObject panel, List<String> expressions) {
        if (panel.containsKey("targets")) {
            for (JsonValue target : panel.getJsonArray("targets")) {
                expressions.add(target.asJsonObject().getString("expr"));
            }
        }
        if (panel.containsKey("panels")) {
            for (JsonValue inner : panel.getJsonArray("panels")) {
                collect(inner.asJsonObject(), expressions);
            }
        }
    }

    /** A dashboard query as Grafana sends it with every job and node selected. */
    public static String withVariables(String expression, String rateInterval) {
        return expression.replace("$job", JOB).replace("$instance", ".+").replace("$__rate_interval", rateInterval);
    }
}
