package org.openimarchive.receiver.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real WildFly, unpacked by the build from Maven Central (target/containers), started
 * with {@code standalone.sh} on a server base directory of its own, bound to loopback with
 * a port offset whose ports are free. Stopped through {@code jboss-cli.sh :shutdown} when
 * closed; what is still running then, or when the JVM exits, is killed.
 */
final class WildFlyServer implements AutoCloseable {

    static final String APP = "callbackExample";

    private final Path home;
    private final Path base;
    private final Process process;
    private final int offset;

    private WildFlyServer(Path home, Path base, Process process, int offset) {
        this.home = home;
        this.base = base;
        this.process = process;
        this.offset = offset;
    }

    static Path home() {
        Path home = Path.of(System.getProperty("wildfly.home", "missing: run mvn verify"));
        if (!Files.isRegularFile(home.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException("no WildFly at " + home + ": run the integration tests with mvn verify");
        }
        return home;
    }

    /** Starts WildFly with extra system properties and waits until it has started cleanly. */
    static WildFlyServer start(Path home, Path base, Map<String, String> systemProperties) throws Exception {
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        int offset = freeOffset();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset,
                "-Djboss.bind.address=127.0.0.1",
                "-Djboss.bind.address.management=127.0.0.1"));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(base.resolve("console.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> kill(process)));
        WildFlyServer wildfly = new WildFlyServer(home, base, process, offset);
        wildfly.await("WildFly to start", Duration.ofSeconds(120),
                () -> wildfly.log().contains("WFLYSRV0025") || wildfly.log().contains("WFLYSRV0026"));
        if (wildfly.log().contains("WFLYSRV0026")
                || !wildfly.log().contains("listening on 127.0.0.1:" + wildfly.httpPort())) {
            wildfly.close();
            throw new IllegalStateException("WildFly did not start cleanly on port " + wildfly.httpPort() + ":\n" + wildfly.log());
        }
        return wildfly;
    }

    /** An offset whose HTTP, HTTPS, management ports are all free now. */
    private static int freeOffset() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = 10_000 + random.nextInt(40_000);
            if (free(8080 + offset) && free(8443 + offset) && free(9990 + offset) && free(9993 + offset)) {
                return offset;
            }
        }
        throw new IOException("no free port offset for WildFly");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    int httpPort() {
        return 8080 + offset;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + path);
    }

    Path base() {
        return base;
    }

    /**
     * Copies the WAR into the deployment scanner's directory as {@value #APP}.war and waits
     * for its marker.
     *
     * @return true when deployed, false when WildFly wrote a {@code .failed} marker
     */
    boolean deploy() throws Exception {
        Path deployments = base.resolve("deployments");
        Files.copy(DeployedWar.warFile(), deployments.resolve(APP + ".war.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(deployments.resolve(APP + ".war.tmp"), deployments.resolve(APP + ".war"), StandardCopyOption.ATOMIC_MOVE);
        await("the WAR to be deployed", Duration.ofSeconds(90), () -> Files.exists(deployments.resolve(APP + ".war.deployed"))
                || Files.exists(deployments.resolve(APP + ".war.failed")));
        return Files.exists(deployments.resolve(APP + ".war.deployed"));
    }

    /** What the {@code .failed} marker says. */
    String failure() throws IOException {
        return Files.readString(base.resolve("deployments/" + APP + ".war.failed"));
    }

    /** server.log. */
    String log() {
        Path file = base.resolve("log/server.log");
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ContainerProcess.await(process, what, timeout, condition, this::log);
    }

    @Override
    public void close() throws Exception {
        Process cli = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=127.0.0.1:" + (9990 + offset), "--command=:shutdown")
                .redirectErrorStream(true).redirectOutput(base.resolve("shutdown.log").toFile()).start();
        cli.waitFor(60, TimeUnit.SECONDS);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill(process);
        }
        kill(cli);
    }

    /** Kills a process and everything it started (standalone.sh runs WildFly as its child). */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
