package org.openimarchive.receiver.it;

import static org.openimarchive.receiver.it.Health.assertHealthUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/** The WAR on a real WildFly, dropped into standalone/deployments and configured by system properties. */
class WildFlyIT {

    private static final String COMMAND_PATH = "/" + WildFlyServer.APP + "/callbackAfterSendSingleMsgCommand";

    @TempDir
    Path base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> post(WildFlyServer wildfly, String path, byte[] body, String operationID)
            throws Exception {
        return CallbackPost.post(wildfly.uri(path), body, operationID);
    }

    private HttpResponse<String> get(WildFlyServer wildfly, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(wildfly.uri("/" + WildFlyServer.APP + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesEveryFixtureAndWritesTheDefaultAuditDirectory() throws Exception {
        try (WildFlyServer wildfly = WildFlyServer.start(WildFlyServer.home(), base, Map.of())) {
            assertTrue(wildfly.deploy(), wildfly.log());
            List<Path> good = Fixtures.good();
            for (Path fixture : good) {
                HttpResponse<String> r = post(wildfly, COMMAND_PATH, Fixtures.bytes(fixture), "good-" + fixture.getFileName());
                assertEquals(200, r.statusCode(), fixture + ": " + r.body());
                assertEquals("{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}", r.body());
            }
            for (Path fixture : Fixtures.bad()) {
                HttpResponse<String> r = post(wildfly, COMMAND_PATH, Fixtures.bytes(fixture), "bad-" + fixture.getFileName());
                assertEquals(400, r.statusCode(), fixture + ": " + r.body());
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            }
            // OpenIM 3.0-3.4: the bare context path, served rather than redirected
            HttpResponse<String> legacy = post(wildfly, "/" + WildFlyServer.APP + "?command=callbackAfterSendSingleMsgCommand",
                    new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8).replace("0b26a3c1", "legacy00")
                            .getBytes(StandardCharsets.UTF_8), "legacy");
            assertEquals(200, legacy.statusCode(), legacy.body());

            // ${jboss.server.log.dir}/openim-audit by default: the WAR's own log4j2 really writes it
            List<String> audit = Files.readAllLines(base.resolve("log/openim-audit/audit.jsonl"));
            assertEquals(good.size() + Fixtures.bad().size() + 1, audit.size());
            for (Path fixture : good) {
                assertTrue(audit.stream().anyMatch(l -> l.contains("\"operationID\":\"good-" + fixture.getFileName() + "\"")));
            }
            // the good fixtures hold one notification, counted apart
            String stats = get(wildfly, "/stats").body();
            assertTrue(stats.contains("{\"messages\":" + good.size() + ",") && stats.contains("\"notifications\":1,"), stats);
            assertTrue(get(wildfly, "/metrics").body().contains("openim_callback_requests_total{outcome=\"rejected\",status=\"400\"} "
                    + Fixtures.bad().size() + ".0"));
            assertHealthUp(get(wildfly, "/health").body());
            for (String path : DashboardIT.PAGE_PATHS) {
                assertEquals(200, get(wildfly, path).statusCode(), path);
            }

            for (String line : wildfly.log().split("\n")) {
                assertFalse(line.contains(" ERROR "), "server.log: " + line);
                assertFalse(line.contains(" WARN ") && (line.contains(WildFlyServer.APP) || line.contains("openimarchive")),
                        "server.log: " + line);
            }
        }
    }

    @Test
    void takesItsParametersFromSystemProperties() throws Exception {
        Path auditDir = base.resolve("elsewhere/audit");
        try (WildFlyServer wildfly = WildFlyServer.start(WildFlyServer.home(), base.resolve("server"), Map.of(
                "callback.audit.dir", auditDir.toString(), "callback.allowedSources", "10.0.0.0/8"))) {
            assertTrue(wildfly.deploy(), wildfly.log());
            HttpResponse<String> r = post(wildfly, COMMAND_PATH, Fixtures.bytes("good/v3.8-text.json"), "sysprop");
            assertEquals(403, r.statusCode(), r.body());
            String audit = Files.readString(auditDir.resolve("audit.jsonl"));
            assertTrue(audit.contains("\"operationID\":\"sysprop\"") && audit.contains("\"status\":403"), audit);
        }
    }

    @Test
    void aBadCidrFailsTheDeploymentWithTheMessageInTheLog() throws Exception {
        try (WildFlyServer wildfly = WildFlyServer.start(WildFlyServer.home(), base.resolve("server"), Map.of(
                "callback.allowedSources", "127.0.0.1, 10.0.0.300/8"))) {
            assertFalse(wildfly.deploy(), "the deployment must fail");
            String message = "OpenIM callback receiver not started, invalid configuration: callback.allowedSources: "
                    + "'10.0.0.300/8' is not an IPv4 or IPv6 address or CIDR block";
            assertTrue(wildfly.failure().contains(message), wildfly.failure());
            assertTrue(wildfly.log().contains(message), wildfly.log());
        }
    }
}
