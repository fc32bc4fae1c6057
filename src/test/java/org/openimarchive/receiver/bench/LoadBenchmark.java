package org.openimarchive.receiver.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.it.TomcatServer;

/**
 * The load benchmark of README's performance section: the built WAR and a bare servlet
 * ({@link BareServlet}) on one Tomcat 10.1 fetched by the build, driven in turns by wrk at
 * each connection count with a message of its own in every request, and compared. Prints
 * req/s, p50, p99, p99.9 and errors per run, the audit lines written against the requests
 * answered, the heap in use after a full GC following each run (for a soak: many rounds), and
 * the Tomcat process's peak RSS. A third servlet, {@link FloorServlet}, measures the least the
 * specified pipeline (JSON-B binding, a hash chain, a synchronous log4j write) costs by itself.
 *
 * <p>Run by {@code bench/load-benchmark.sh}. System properties: {@code load.seconds} (per
 * measured run, default 20), {@code load.warmup} (seconds, default 10), {@code load.connections}
 * (default "2,32"), {@code load.rounds} (default 1; 0 runs the paced runs alone), {@code load.pauseMs} (the pause between
 * requests of the paced run at 2 connections, default 1; 0 for none), {@code load.jvm} and {@code load.connector}
 * (Tomcat's JVM options and HTTP connector attributes, defaults those README recommends),
 * {@code load.baselineWar} (another build of the WAR, deployed beside this one and measured in
 * the same turns: a before/after), {@code load.fsync} (default true: the WAR is also deployed
 * with {@code callback.audit.sync=fsync} and measured in the same turns).
 */
public final class LoadBenchmark {

    /** JVM options that README recommends for webhook traffic; see its performance section. */
    static final String JVM_OPTIONS = "-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseParallelGC -Xmn256m";
    /** Connector settings that README recommends: keep-alive connections are never cycled. */
    static final String CONNECTOR = "maxKeepAliveRequests=\"-1\" keepAliveTimeout=\"60000\"";

    private static final Pattern RESULT = Pattern.compile("RESULT (.*)");
    /** A heap (G1) or generation (Parallel) in {@code jcmd GC.heap_info}. */
    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final String BARE = "bare servlet";
    private static final String RECEIVER = "receiver";
    private static final String BASELINE = "baseline";
    private static final String FSYNC = "receiver fsync";
    private static final String FSYNC_CONTEXT = "fsync";
    private static final String FLOOR = "floor";
    /** The jars that FloorServlet needs, taken from the built WAR. */
    private static final List<String> FLOOR_JARS =
            List.of("jakarta.json-api", "jakarta.json.bind-api", "yasson", "parsson", "log4j-api", "log4j-core");

    private record Target(String name, String path) {
    }

    private record Run(String target, int connections, Map<String, Long> figures) {
        long get(String key) {
            return figures.get(key);
        }

        double rps() {
            return get("requests") * 1e6 / get("duration_us");
        }

        /** Requests answered 2xx: wrk counts every other status as an error. */
        long answered() {
            return get("requests") - get("status");
        }

        double cpuPerRequest() {
            return (double) get("cpu_us") / get("requests");
        }

        long errors() {
            return get("connect") + get("read") + get("write") + get("status") + get("timeout");
        }
    }

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("load.seconds", 20);
        int warmup = Integer.getInteger("load.warmup", 10);
        int rounds = Integer.getInteger("load.rounds", 1);
        List<Integer> connectionCounts = new ArrayList<>();
        for (String c : System.getProperty("load.connections", "2,32").split(",")) {
            connectionCounts.add(Integer.parseInt(c.trim()));
        }
        String baselineWar = orDefault("load.baselineWar", "");
        Path script = Path.of("src/test/resources/bench/unique-callbacks.lua").toAbsolutePath();
        int pauseMs = Integer.getInteger("load.pauseMs", 1);
        List<String> jvmOptions = List.of(orDefault("load.jvm", JVM_OPTIONS).trim().split("\\s+"));
        String connector = orDefault("load.connector", CONNECTOR);

        Path base = Files.createTempDirectory("load-benchmark");
        Path home = TomcatServer.home("tomcat10.home");
        List<Target> targets = new ArrayList<>();
        try (TomcatServer tomcat = TomcatServer.start(home, base, Map.of(), jvmOptions, connector, "")) {
            deployBare(tomcat);
            targets.add(new Target(BARE, "/bare/callbackAfterSendSingleMsgCommand"));
            deployFloor(tomcat);
            targets.add(new Target(FLOOR, "/floor/callbackAfterSendSingleMsgCommand"));
            tomcat.deploy();
            targets.add(new Target(RECEIVER, "/" + TomcatServer.APP + "/callbackAfterSendSingleMsgCommand"));
            if (Boolean.parseBoolean(System.getProperty("load.fsync", "true"))) {
                deployWar(tomcat, FSYNC_CONTEXT, TomcatServer.warFile(), Map.of("callback.audit.sync", "fsync"));
                targets.add(new Target(FSYNC, "/" + FSYNC_CONTEXT + "/callbackAfterSendSingleMsgCommand"));
            }
            if (!baselineWar.isEmpty()) {
                deployWar(tomcat, BASELINE, Path.of(baselineWar), Map.of());
                targets.add(new Target(BASELINE, "/" + BASELINE + "/callbackAfterSendSingleMsgCommand"));
            }
            if (System.getProperty("load.soak", "").equals("true")) {
                // the receiver alone, round after round: what its heap keeps over a long run
                targets.removeIf(t -> !t.name().equals(RECEIVER));
            }
            System.out.printf(Locale.ROOT, "Tomcat 10.1 pid %d, JVM %s, connector %s; %d s warm-up, %d s measured%n",
                    tomcat.pid(), String.join(" ", jvmOptions), connector, warmup, seconds);

            Map<String, Long> answered = new LinkedHashMap<>();
            List<Run> runs = new ArrayList<>();
            int runNumber = 0;
            for (int round = 1; round <= rounds; round++) {
                for (int connections : connectionCounts) {
                    for (Target target : targets) {
                        Run warm = wrk(tomcat, script, target, connections, warmup, "w" + (++runNumber));
                        Run run = wrk(tomcat, script, target, connections, seconds, "m" + (++runNumber));
                        answered.merge(target.name(), warm.answered() + run.answered(), Long::sum);
                        runs.add(run);
                        print(run, heapAfterFullGc(tomcat.pid()));
                    }
                }
            }
            // paced: 2 connections, each pausing between requests: latency below saturation
            if (pauseMs > 0) {
                Path paced = script.resolveSibling("paced-callbacks.lua");
                for (Target target : targets) {
                    Run warm = wrk(tomcat, paced, target, 2, warmup, "pw" + (++runNumber), Integer.toString(pauseMs));
                    Run run = wrk(tomcat, paced, target, 2, seconds, "pm" + (++runNumber), Integer.toString(pauseMs));
                    answered.merge(target.name(), warm.answered() + run.answered(), Long::sum);
                    System.out.printf(Locale.ROOT, "paced, %d ms between requests on each connection:%n", pauseMs);
                    print(run, heapAfterFullGc(tomcat.pid()));
                }
            }
            System.out.println();
            // the closed-loop runs compared (none with load.rounds=0: the paced runs alone)
            for (int connections : runs.isEmpty() ? List.<Integer>of() : connectionCounts) {
                for (Target target : targets) {
                    if (!target.name().equals(BARE) && targets.get(0).name().equals(BARE)) {
                        compare(runs, target.name(), connections);
                    }
                }
                for (Target target : targets) {
                    if (!target.name().equals(BARE) && !target.name().equals(FLOOR)
                            && targets.stream().anyMatch(t -> t.name().equals(FLOOR))) {
                        System.out.printf(Locale.ROOT, "%-13s c=%-3d %5.1f%% of the floor servlet's req/s%n",
                                target.name(), connections, 100 * mean(runs, target.name(), connections, Run::rps)
                                        / mean(runs, FLOOR, connections, Run::rps));
                    }
                }
            }
            System.out.println();
            if (targets.get(0).name().equals(BARE) && !runs.isEmpty()) {
                for (int connections : connectionCounts) {
                    for (Target target : targets) {
                        if (!target.name().equals(BARE)) {
                            double cpu = mean(runs, target.name(), connections, Run::cpuPerRequest);
                            System.out.printf(Locale.ROOT, "%-14s c=%-3d CPU per callback %5.1f µs = %.2f × the bare"
                                            + " servlet's (%.1f µs)%n", target.name(), connections, cpu,
                                    cpu / mean(runs, BARE, connections, Run::cpuPerRequest),
                                    mean(runs, BARE, connections, Run::cpuPerRequest));
                        }
                    }
                }
                System.out.println();
            }
            System.out.println("peak RSS of Tomcat: " + peakRss(tomcat.pid()));
            for (Target target : targets) {
                Path auditDir = target.name().equals(RECEIVER) ? base.resolve("logs/openim-audit")
                        : target.name().equals(FSYNC) ? base.resolve("logs/" + FSYNC_CONTEXT + "-audit")
                        : target.name().equals(BASELINE) ? base.resolve("logs/" + BASELINE + "-audit") : null;
                if (auditDir == null) {
                    continue;
                }
                long lines = auditLines(auditDir);
                System.out.printf(Locale.ROOT, "%s: %d requests answered 200 by wrk's count, %d audit lines written%n",
                        target.name(), answered.get(target.name()), lines);
                if (lines < answered.get(target.name())) {
                    throw new IllegalStateException(target.name() + ": fewer audit lines than callbacks answered 200:"
                            + " records were lost");
                }
            }
        } finally {
            // the audit files of a run reach gigabytes: keep none of them
            try (var files = Files.walk(base)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The bare servlet as an exploded application: its one class, found by annotation scanning. */
    private static void deployBare(TomcatServer tomcat) throws Exception {
        copyClass(BareServlet.class, tomcat.base().resolve("webapps/bare"));
        tomcat.await("the bare servlet to be deployed", Duration.ofSeconds(60), () -> tomcat.status("/bare/") == 200);
    }

    /** Copies a compiled class into an exploded application's {@code WEB-INF/classes}. */
    private static void copyClass(Class<?> type, Path app) throws IOException {
        String classFile = type.getName().replace('.', '/') + ".class";
        Path target = app.resolve("WEB-INF/classes").resolve(classFile);
        Files.createDirectories(target.getParent());
        try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
            Files.copy(in, target);
        }
    }

    /**
     * The floor servlet as an exploded application: its class, the callback type it binds,
     * the JSON-B, JSON-P and log4j jars of the built WAR, and an audit file of its own.
     */
    private static void deployFloor(TomcatServer tomcat) throws Exception {
        Path app = tomcat.base().resolve("webapps/floor");
        copyClass(FloorServlet.class, app);
        copyClass(MsgCallback.class, app);
        copyClass(MessageKind.class, app);
        Path lib = app.resolve("WEB-INF/lib");
        Files.createDirectories(lib);
        try (var jars = Files.list(Path.of("target/openim-callback-receiver/WEB-INF/lib"))) {
            for (Path jar : jars.toList()) {
                String name = jar.getFileName().toString();
                if (FLOOR_JARS.stream().anyMatch(prefix -> name.matches(Pattern.quote(prefix) + "-\\d.*"))) {
                    Files.copy(jar, lib.resolve(name));
                }
            }
        }
        String config = Files.readString(Path.of("src/test/resources/bench/floor-log4j2.xml"))
                .replace("@FILE@", tomcat.base().resolve("logs/floor-audit.jsonl").toString());
        Files.writeString(app.resolve(FloorServlet.LOG4J_CONFIG), config);
        tomcat.await("the floor servlet to be deployed", Duration.ofSeconds(60), () -> tomcat.status("/floor/") == 405);
    }

    /** A build of the receiver at {@code /context}, with an audit directory of its own and these parameters. */
    private static void deployWar(TomcatServer tomcat, String context, Path war, Map<String, String> params)
            throws Exception {
        Path audit = tomcat.base().resolve("logs/" + context + "-audit");
        StringBuilder parameters = new StringBuilder();
        params.forEach((name, value) -> parameters.append("""
                  <Parameter name="%s" value="%s" override="false"/>
                """.formatted(name, value)));
        Files.writeString(tomcat.base().resolve("conf/Catalina/localhost/" + context + ".xml"), """
                <Context docBase="%s">
                  <Parameter name="callback.audit.dir" value="%s" override="false"/>
                %s</Context>
                """.formatted(war.toAbsolutePath(), audit, parameters));
        tomcat.await("the WAR at /" + context + " to be deployed", Duration.ofSeconds(60),
                () -> tomcat.status("/" + context + "/health") == 200);
    }

    private static Run wrk(TomcatServer tomcat, Path script, Target target, int connections, int seconds,
                           String... scriptArgs) throws IOException, InterruptedException {
        int threads = Math.min(2, connections);
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", script.getFileName().toString(), tomcat.uri(target.path()).toString(), "--"));
        command.addAll(List.of(scriptArgs));
        long cpuBefore = cpuMicros(tomcat.pid());
        long switchesBefore = contextSwitches(tomcat.pid());
        // from the scripts' directory, where one script finds the other
        Process wrk = new ProcessBuilder(command).directory(script.getParent().toFile()).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Map<String, Long> figures = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(wrk.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher m = RESULT.matcher(line);
                if (m.matches()) {
                    figures = new LinkedHashMap<>();
                    for (String pair : m.group(1).split(" ")) {
                        String[] kv = pair.split("=");
                        figures.put(kv[0], Long.parseLong(kv[1]));
                    }
                }
            }
        }
        if (wrk.waitFor() != 0 || figures == null) {
            throw new IllegalStateException("wrk failed: " + command + "\n" + output);
        }
        figures.put("cpu_us", cpuMicros(tomcat.pid()) - cpuBefore);
        figures.put("switches", contextSwitches(tomcat.pid()) - switchesBefore);
        return new Run(target.name(), connections, figures);
    }

    private static String orDefault(String property, String otherwise) {
        String value = System.getProperty(property, "");
        return value.isBlank() ? otherwise : value;
    }

    private static void print(Run run, long heapKib) {
        System.out.printf(Locale.ROOT, "%-13s c=%-3d %9.0f req/s  p50 %6.3f ms  p99 %6.3f ms  p99.9 %6.3f ms  max %7.3f ms"
                        + "  requests %d  errors %d  Tomcat CPU %.1f µs/request  context switches %.2f/request"
                        + "  heap after full GC %d KiB%n",
                run.target(), run.connections(), run.rps(), ms(run.get("p50_us")), ms(run.get("p99_us")),
                ms(run.get("p999_us")), ms(run.get("max_us")), run.get("requests"), run.errors(),
                (double) run.get("cpu_us") / run.get("requests"), (double) run.get("switches") / run.get("requests"),
                heapKib);
    }

    /** The CPU time (user and system, every thread) the process has used, from /proc: 10 ms steps. */
    private static long cpuMicros(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 10_000; // USER_HZ is 100 on Linux
    }

    /**
     * The context switches of the process's threads that are alive (voluntary: a thread that
     * waits; involuntary: one preempted), from /proc.
     */
    private static long contextSwitches(long pid) throws IOException {
        long switches = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return switches;
    }

    /** Tomcat's heap in use after a full collection, between runs: what the application keeps. */
    private static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        long used = 0;
        Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
        while (m.find()) {
            used += Long.parseLong(m.group(1));
        }
        return used;
    }

    /** The target against the bare servlet at the same connection count: throughput ratio, p50 difference. */
    private static void compare(List<Run> runs, String target, int connections) {
        double bareRps = mean(runs, BARE, connections, Run::rps);
        double rps = mean(runs, target, connections, Run::rps);
        double bareP50 = mean(runs, BARE, connections, r -> ms(r.get("p50_us")));
        double p50 = mean(runs, target, connections, r -> ms(r.get("p50_us")));
        System.out.printf(Locale.ROOT, "%-13s c=%-3d %5.1f%% of the bare servlet's req/s, p50 %+.3f ms%n",
                target, connections, 100 * rps / bareRps, p50 - bareP50);
    }

    private static double mean(List<Run> runs, String target, int connections,
                               java.util.function.ToDoubleFunction<Run> figure) {
        return runs.stream().filter(r -> r.target().equals(target) && r.connections() == connections)
                .mapToDouble(figure).average().orElse(Double.NaN);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static long auditLines(Path dir) throws IOException {
        long lines = 0;
        for (Path file : AuditFiles.inOrder(dir)) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(AuditFiles.open(file), StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    lines++;
                }
            }
        }
        return lines;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static String peakRss(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmHWM:")).map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }
}
