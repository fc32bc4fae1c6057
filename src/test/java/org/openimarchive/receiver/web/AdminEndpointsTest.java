package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.config.ReceiverConfig;

/**
 * {@code /health} and the admin sources' refusal on a real servlet container (embedded
 * Jetty): what a source that is not an admin learns, and a refusal that stays JSON whatever
 * address a proxy valve hands the WAR.
 */
class AdminEndpointsTest {

    @TempDir
    Path dir;

    private EmbeddedApp app;
    private final HttpClient client = HttpClient.newHttpClient();

    /** Stands for a proxy valve (Tomcat's RemoteIpValve) that took the address from X-Forwarded-For. */
    public static final class ForwardedFor extends HttpFilter {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String forwarded = request.getHeader("X-Forwarded-For");
            chain.doFilter(forwarded == null ? request : new HttpServletRequestWrapper(request) {
                @Override
                public String getRemoteAddr() {
                    return forwarded;
                }
            }, response);
        }
    }

    private void start(String adminSources) throws Exception {
        start(adminSources, "0");
    }

    private void start(String adminSources, String drainSeconds) throws Exception {
        app = EmbeddedApp.start(dir, context -> {
            context.setInitParameter(ReceiverConfig.DRAIN_SECONDS, drainSeconds);
            context.setInitParameter(ReceiverConfig.ADMIN_SOURCES, adminSources);
            context.addFilter(new FilterHolder(new ForwardedFor()), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(AdminSourceFilter.class, "/stats", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(StatsServlet.class, "/stats");
            context.addServlet(HealthServlet.class, "/health");
        });
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    private HttpResponse<String> get(String path, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.base + path)).GET();
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void healthTellsWhatIsWrongToAdminSourcesOnly() throws Exception {
        start("127.0.0.1/32");
        assertEquals("{\"status\":\"UP\"}", get("/health", "10.9.9.9").body());
        Files.delete(dir.resolve("audit.jsonl"));
        HttpResponse<String> anyone = get("/health", "10.9.9.9");
        assertEquals(503, anyone.statusCode());
        assertEquals("{\"status\":\"DOWN\"}", anyone.body(), "the audit directory's path is for admins");
        HttpResponse<String> admin = get("/health", null);
        assertEquals(503, admin.statusCode());
        assertTrue(json(admin.body()).getString("reason").contains(dir.toString()), admin.body());
    }

    /**
     * Jetty 12 stops routing to a context before its listeners hear of the stop (a request
     * then gets 404), as Tomcat does: a drain could keep no load balancer informed, so the
     * receiver does not wait (README, "Running several receivers").
     */
    @Test
    void jettyUnmapsTheContextBeforeTheListenerHearsSoNoDrainDelaysTheStop() throws Exception {
        start("127.0.0.1/32", "3");
        long started = System.nanoTime();
        app.context.stop();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 2_000, "the stop took " + millis + " ms");
        assertEquals(404, get("/health", null).statusCode());
    }

    @Test
    void aDrainingNodeAnswers503Draining() throws Exception {
        start("127.0.0.1/32");
        ReceiverLifecycle.receiver(app.context.getServletContext()).drain();
        HttpResponse<String> anyone = get("/health", "10.9.9.9");
        assertEquals(503, anyone.statusCode());
        assertEquals("{\"status\":\"DRAINING\"}", anyone.body());
        assertTrue(get("/health", null).body().matches("\\{\"status\":\"DRAINING\",\"node\":\"[^\"]+\"}"));
    }

    @Test
    void theAdminRefusalIsJsonWhateverAddressItNames() throws Exception {
        start("127.0.0.1/32");
        HttpResponse<String> response = get("/stats", "a\"b");
        assertEquals(403, response.statusCode());
        assertEquals("source address a\"b is not in callback.adminSources", json(response.body()).getString("error"));
    }
}
