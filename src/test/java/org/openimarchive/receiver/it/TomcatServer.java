package org.openimarchive.receiver.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real Tomcat, unpacked by the build from Maven Central (target/containers), run in a
 * process of its own from a fresh CATALINA_BASE, listening on a free loopback port. Stopped
 * with SIGTERM (Tomcat's own shutdown hook stops it cleanly) when closed, and by a JVM
 * shutdown hook should a test leave it running. Public for the {@code bench} package, whose
 * LoadBenchmark and SenderLoad run on it too.
 */
public final class TomcatServer implements AutoCloseable {

    public static final String APP = "callbackExample";
    /** The connector's connectionTimeout: how long Tomcat waits for the next bytes of a request. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(20);

    private final Path base;
    private final Process process;
    private final int port;
    private final long launchedAt;
    /** The command that started the JVM, to start it again on the same base and port. */
    private List<String> command = List.of();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TomcatServer(Path base, Process process, int port, long launchedAt) {
        this.base = base;
        this.process = process;
        this.port = port;
        this.launchedAt = launchedAt;
    }

    /** The Tomcat of {@code tomcat10.home} or {@code tomcat11.home}, as failsafe sets them. */
    public static Path home(String property) {
        Path home = Path.of(System.getProperty(property, "missing: run mvn verify"));
        if (!Files.isRegularFile(home.resolve("bin/bootstrap.jar"))) {
            throw new IllegalStateException("no Tomcat at " + home + ": run the integration tests with mvn verify");
        }
        return home;
    }

    /**
     * Prepares a CATALINA_BASE in {@code base}: Tomcat's own conf, a server.xml of ours with
     * the attributes given for the HTTP connector and the engine.
     */
    private static void prepareBase(Path home, Path base, int port, String connectorAttributes, String engineAttributes)
            throws IOException {
        for (String dir : new String[] {"conf", "logs", "webapps", "work", "temp", "conf/Catalina/localhost"}) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String file : new String[] {"web.xml", "context.xml", "catalina.properties", "logging.properties",
            "tomcat-users.xml", "jaspic-providers.xml"}) {
            Files.copy(home.resolve("conf").resolve(file), base.resolve("conf").resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(base.resolve("conf/server.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
                  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener"/>
                  <Service name="Catalina">
                    <Connector port="%d" address="127.0.0.1" protocol="HTTP/1.1" connectionTimeout="%d" %s/>
                    <Engine name="Catalina" defaultHost="localhost" %s>
                      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port, CONNECTION_TIMEOUT.toMillis(), connectorAttributes, engineAttributes));
    }

    /**
     * Starts Tomcat on a CATALINA_BASE prepared in {@code base}, with extra JVM system
     * properties, and waits until it listens. Fails if another program holds the port.
     */
    static TomcatServer start(Path home, Path base, Map<String, String> systemProperties) throws Exception {
        // the background processor every second: deployments are noticed at once
        return start(home, base, systemProperties, List.of("-Xmx256m"), "", "backgroundProcessorDelay=\"1\"");
    }

    /**
     * As {@link #start(Path, Path, Map)}, with the JVM options (heap, GC) and the attributes of
     * the HTTP connector and the engine given.
     */
    public static TomcatServer start(Path home, Path base, Map<String, String> systemProperties, List<String> jvmOptions,
                                     String connectorAttributes, String engineAttributes) throws Exception {
        TomcatServer tomcat = launch(home, base, systemProperties, jvmOptions, connectorAttributes, engineAttributes);
        tomcat.awaitStarted();
        return tomcat;
    }

    /**
     * Starts the Tomcat JVM as {@link #start(Path, Path, Map, List, String, String)} does, but
     * returns at once, before Tomcat listens: {@link #launchedAt} is when the JVM was started.
     */
    public static TomcatServer launch(Path home, Path base, Map<String, String> systemProperties, List<String> jvmOptions,
                                      String connectorAttributes, String engineAttributes) throws Exception {
        int port = freePort();
        prepareBase(home, base, port, connectorAttributes, engineAttributes);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                // what catalina.sh adds on Java 9 and later, for Tomcat's leak prevention
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Dcatalina.home=" + home,
                "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                // a port another program holds ends the process rather than leaving a deaf Tomcat
                "-Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true"));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-classpath", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        long launchedAt = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(base.resolve("logs/catalina.out").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        TomcatServer tomcat = new TomcatServer(base, process, port, launchedAt);
        tomcat.command = List.copyOf(command);
        return tomcat;
    }

    /**
     * Starts this Tomcat again, stopped or killed, on the same base and port (the WAR in
     * webapps is deployed again), and waits until it has started. The log of the run before
     * is kept as catalina.out.N.
     */
    TomcatServer relaunch() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("Tomcat on " + port + " still runs");
        }
        Path out = base.resolve("logs/catalina.out");
        int n = 1;
        while (Files.exists(base.resolve("logs/catalina.out." + n))) {
            n++;
        }
        Files.move(out, base.resolve("logs/catalina.out." + n));
        Process again = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(again::destroyForcibly));
        TomcatServer tomcat = new TomcatServer(base, again, port, System.nanoTime());
        tomcat.command = command;
        tomcat.awaitStarted();
        return tomcat;
    }

    /** Waits until Tomcat has started, and checks that its connector is the one on our port. */
    public void awaitStarted() throws Exception {
        await("Tomcat to start on port " + port, Duration.ofSeconds(120), () -> log().contains("Server startup in"));
        if (!log().contains("[\"http-nio-127.0.0.1-" + port + "\"]")) {
            close();
            throw new IllegalStateException("Tomcat did not start its connector on " + port + ":\n" + log());
        }
    }

    /** When the JVM was started, as {@link System#nanoTime}. */
    public long launchedAt() {
        return launchedAt;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path base() {
        return base;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The built WAR. */
    public static Path warFile() {
        return DeployedWar.warFile();
    }

    /**
     * Copies the WAR into webapps as {@value #APP}.war and waits until Tomcat has deployed it
     * (through a context file in conf/Catalina/localhost, if there is one), or failed to.
     */
    public void deploy() throws Exception {
        int deployments = deploymentsFinished();
        Files.copy(warFile(), base.resolve("webapps/" + APP + ".war.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(base.resolve("webapps/" + APP + ".war.tmp"), base.resolve("webapps/" + APP + ".war"),
                StandardCopyOption.ATOMIC_MOVE);
        await("the WAR to be deployed", Duration.ofSeconds(60), () -> deploymentsFinished() > deployments);
    }

    /** How many times Tomcat has logged "Deployment of ... has finished". */
    private int deploymentsFinished() {
        return (int) log().lines().filter(l -> l.contains("Deployment of ") && l.contains(" has finished in ")).count();
    }

    /** Removes the WAR and waits until Tomcat has undeployed it. */
    void undeploy() throws Exception {
        Files.delete(base.resolve("webapps/" + APP + ".war"));
        await("the WAR to be undeployed", Duration.ofSeconds(60),
                () -> !Files.exists(base.resolve("webapps/" + APP)) && status("/" + APP + "/health") == 404);
    }

    public int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Everything Tomcat printed: catalina.out. */
    String log() {
        return read(base.resolve("logs/catalina.out"));
    }

    /** catalina.out and every log file Tomcat wrote (the localhost log holds listener failures). */
    String allLogs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            files.filter(Files::isRegularFile).sorted().forEach(f -> all.append(read(f)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return all.toString();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return new String(readBytes(file), StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ContainerProcess.await(process, what, timeout, condition, this::allLogs);
    }

    /** SIGKILL: the JVM dies where it stands, as in a crash or an OOM killer. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM, and waits: Tomcat's shutdown hook stops the connector, lets the requests in
     * flight finish, then stops the WAR. Fails if the JVM has not exited within a minute.
     */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("Tomcat did not stop within a minute of SIGTERM:\n" + allLogs());
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
