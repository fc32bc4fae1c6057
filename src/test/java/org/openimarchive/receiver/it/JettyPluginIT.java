package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openimarchive.receiver.Fixtures;

/**
 * The built WAR on the Jetty 12 that jetty-ee10-maven-plugin starts before the integration
 * tests (start-war) and stops after them, on a port build-helper reserved.
 */
class JettyPluginIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static URI uri(String path) {
        String port = System.getProperty("jetty.plugin.port");
        if (port == null || port.isBlank() || port.startsWith("$")) {
            throw new IllegalStateException("run with mvn verify: the plugin's Jetty port is not set");
        }
        return URI.create("http://127.0.0.1:" + port + DeployedWar.CONTEXT + path);
    }

    private static HttpResponse<String> post(byte[] body, String operationID) throws Exception {
        return CallbackPost.post(uri("/callbackAfterSendSingleMsgCommand"), body, operationID);
    }

    @Test
    void servesEveryFixtureAndTheOperatorEndpoints() throws Exception {
        String run = Long.toString(System.nanoTime());
        for (Path fixture : Fixtures.good()) {
            HttpResponse<String> r = post(Fixtures.bytes(fixture), run + "-" + fixture.getFileName());
            assertEquals(200, r.statusCode(), fixture + ": " + r.body());
        }
        for (Path fixture : Fixtures.bad()) {
            HttpResponse<String> r = post(Fixtures.bytes(fixture), run + "-" + fixture.getFileName());
            assertEquals(400, r.statusCode(), fixture + ": " + r.body());
            assertTrue(r.body().startsWith("{\"actionCode\":1,\"errCode\":400,"), r.body());
        }
        List<String> audit = Files.readAllLines(Path.of(System.getProperty("jetty.plugin.audit"), "audit.jsonl"));
        for (Path fixture : Fixtures.good()) {
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"operationID\":\"" + run + "-" + fixture.getFileName() + "\"")
                    && l.contains("\"outcome\":\"accepted\"")), fixture.toString());
        }
        for (String path : new String[] {"/stats", "/metrics", "/health"}) {
            assertEquals(200, http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), path);
        }
    }
}
