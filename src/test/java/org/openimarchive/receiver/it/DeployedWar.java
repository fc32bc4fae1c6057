package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The built WAR (target/*.war, named by the {@code receiver.war} property that failsafe
 * sets) deployed on an embedded Jetty 12 listening on a free port of a loopback address
 * (127.0.0.1 unless told, such as ::1), with the given context parameters, at OpenIM's
 * default path {@code /callbackExample}.
 */
final class DeployedWar implements AutoCloseable {

    static final String CONTEXT = "/callbackExample";
    static final String COMMAND_PATH = CONTEXT + "/callbackAfterSendSingleMsgCommand";
    static final String IPV4_LOOPBACK = "127.0.0.1";
    /** Jetty's own default idleTimeout: how long a connection may send nothing, per read. */
    static final Duration JETTY_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final Server server;
    private final InetAddress host;
    private final URI base;
    private final Path auditDir;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private DeployedWar(Server server, InetAddress host, URI base, Path auditDir) {
        this.server = server;
        this.host = host;
        this.base = base;
        this.auditDir = auditDir;
    }

    /** Deploys with {@code callback.audit.dir} set to {@code auditDir} and the other parameters given. */
    static DeployedWar deploy(Path auditDir, Map<String, String> params) throws Exception {
        return deploy(auditDir, params, IPV4_LOOPBACK, JETTY_IDLE_TIMEOUT);
    }

    /** As {@link #deploy(Path, Map)}, listening on {@code host}: an IP literal, such as {@code ::1}. */
    static DeployedWar deploy(Path auditDir, Map<String, String> params, String host) throws Exception {
        return deploy(auditDir, params, host, JETTY_IDLE_TIMEOUT);
    }

    /** As {@link #deploy(Path, Map)}, with the connector's idleTimeout set to {@code idleTimeout}. */
    static DeployedWar deploy(Path auditDir, Map<String, String> params, Duration idleTimeout) throws Exception {
        return deploy(auditDir, params, IPV4_LOOPBACK, idleTimeout);
    }

    private static DeployedWar deploy(Path auditDir, Map<String, String> params, String host, Duration idleTimeout)
            throws Exception {
        Map<String, String> all = new HashMap<>(params);
        all.putIfAbsent("callback.audit.dir", auditDir.toString());
        Server server = start(all, host, idleTimeout);
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        InetAddress address = InetAddress.getByName(host); // a literal: no name lookup
        String authority = (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
        DeployedWar war = new DeployedWar(server, address, URI.create("http://" + authority), auditDir);
        war.checkItIsOurs();
        return war;
    }

    /** Starts Jetty with the WAR; throws what the deployment threw when it fails. */
    static Server start(Map<String, String> params) throws Exception {
        return start(params, IPV4_LOOPBACK, JETTY_IDLE_TIMEOUT);
    }

    private static Server start(Map<String, String> params, String host, Duration idleTimeout) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setWar(warFile().toString());
        webapp.setContextPath(CONTEXT);
        webapp.addConfiguration(new AnnotationConfiguration());
        webapp.setThrowUnavailableOnStartupException(true);
        params.forEach(webapp::setInitParameter);
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return server;
    }

    static Path warFile() {
        String war = System.getProperty("receiver.war");
        if (war == null || !Files.isRegularFile(Path.of(war))) {
            throw new IllegalStateException("run the integration tests with mvn verify: no WAR at " + war);
        }
        return Path.of(war);
    }

    /** Another program may listen on loopback too: make sure the WAR is what answers. */
    private void checkItIsOurs() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(CONTEXT + "/is-this-the-receiver")).GET());
        // 404 for the unknown path, or 403 where the allowlist leaves loopback out: in OpenIM's JSON shape
        assertTrue(r.statusCode() == 404 || r.statusCode() == 403, r.statusCode() + " " + r.body());
        assertTrue(r.body().startsWith("{\"actionCode\":1,\"errCode\":" + r.statusCode() + ",\"errMsg\":"), r.body());
    }

    URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    int port() {
        return base.getPort();
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** POSTs a body as OpenIM does: {@link CallbackPost}. */
    HttpResponse<String> post(String pathAndQuery, byte[] body, String operationID)
            throws IOException, InterruptedException {
        return CallbackPost.post(uri(pathAndQuery), body, operationID);
    }

    /** A response read off a raw socket. */
    record RawResponse(int status, Map<String, String> headers, String body) {

        /** Parses what a server sent before it closed the connection. */
        static RawResponse parse(byte[] received) {
            String response = new String(received, StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            String[] head = response.substring(0, end).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(head[0].split(" ")[1]), headers, response.substring(end + 4));
        }
    }

    /**
     * Sends bytes as they are, for what an HTTP client library would not send (a malformed
     * query, control characters in a header, a body that never comes), and reads the
     * response; the request should say {@code Connection: close}.
     */
    RawResponse raw(byte[] request) throws IOException {
        return raw(request, null);
    }

    /** As {@link #raw(byte[])}, from the local address {@code source} (null: the system's choice). */
    RawResponse raw(byte[] request, InetAddress source) throws IOException {
        try (Socket socket = new Socket()) {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.connect(new InetSocketAddress(host, port()), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return RawResponse.parse(socket.getInputStream().readAllBytes());
        }
    }

    /** Every record of the active audit file, in order. */
    List<JsonObject> auditRecords() throws IOException {
        List<JsonObject> records = new ArrayList<>();
        Path file = auditDir.resolve("audit.jsonl");
        if (!Files.exists(file)) {
            return records;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            records.add(Json.createReader(new StringReader(line)).readObject());
        }
        return records;
    }

    /** The one record whose operationID is {@code operationID}; fails if there is not exactly one. */
    JsonObject auditRecord(String operationID) throws IOException {
        List<JsonObject> found = auditRecords().stream()
                .filter(r -> operationID.equals(r.isNull("operationID") ? null : r.getString("operationID")))
                .toList();
        assertEquals(1, found.size(), "records with operationID " + operationID + ": " + found);
        return found.get(0);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
