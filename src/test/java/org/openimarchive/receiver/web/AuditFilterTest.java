package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.callback.InvalidCallbackException;
import org.openimarchive.receiver.core.Receiver;

/**
 * {@link AuditFilter} on a real servlet container (embedded Jetty) with a real receiver
 * behind it; in place of the checks of web.xml, one filter decides each request as its
 * {@code X-Decide} header says, so that every way out of the chain is tried: one record for
 * each, written before the reply, and the reply that record promises.
 */
class AuditFilterTest {

    @TempDir
    Path dir;

    private EmbeddedApp app;
    private URI base;
    private final HttpClient client = HttpClient.newHttpClient();

    /** Stands for the checks: passes the request through every stage, or refuses it, or fails. */
    public static final class DecidingFilter extends HttpFilter {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            CallbackExchange exchange = CallbackExchange.of(request);
            switch (String.valueOf(request.getHeader("X-Decide"))) {
                case "accept" -> {
                    for (FilterChainOrder stage : List.of(FilterChainOrder.SOURCE_ALLOWLIST, FilterChainOrder.ROUTE,
                            FilterChainOrder.CONTENT_TYPE, FilterChainOrder.BODY_SIZE, FilterChainOrder.JSON_BINDING)) {
                        exchange.enter(stage);
                    }
                    try {
                        exchange.bound(ReceiverLifecycle.receiver(request.getServletContext()).parser()
                                .parse(Fixtures.bytes("good/v3.8-text.json")));
                    } catch (InvalidCallbackException e) {
                        throw new IllegalStateException(e);
                    }
                    chain.doFilter(request, response);
                }
                case "pass" -> {
                    exchange.enter(FilterChainOrder.SOURCE_ALLOWLIST);
                    exchange.enter(FilterChainOrder.ROUTE);
                    exchange.route("callbackBeforeSendSingleMsgCommand");
                    for (FilterChainOrder stage : List.of(FilterChainOrder.CONTENT_TYPE, FilterChainOrder.BODY_SIZE,
                            FilterChainOrder.JSON_BINDING)) {
                        exchange.enter(stage);
                    }
                    // as the body size filter leaves it
                    exchange.bodyRead(request.getInputStream().readAllBytes(), null, null, true);
                    chain.doFilter(request, response);
                }
                case "refuse-405" -> exchange.refuse(Refusal.METHOD_NOT_ALLOWED, "method GET is not allowed; use POST");
                case "refuse-408" -> exchange.refuse(Refusal.BODY_TOO_SLOW, "body not received whole");
                case "fail" -> throw new IllegalStateException("a check failed unexpectedly");
                case "skip-stages" -> {
                    try {
                        chain.doFilter(request, response);
                    } catch (IllegalStateException e) {
                        response.setHeader("X-Failure", e.getMessage());
                        throw e;
                    }
                }
                default -> {
                    // decides nothing
                }
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        app = EmbeddedApp.start(dir, context -> {
            context.addFilter(AuditFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(new FilterHolder(new DecidingFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(CallbackServlet.class, "/*");
        });
        base = URI.create(app.base + "/callbackAfterSendSingleMsgCommand");
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    private HttpResponse<String> post(String decision) throws Exception {
        return client.send(HttpRequest.newBuilder(base).header("X-Decide", decision).header("operationID", "op-" + decision)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonObject> records() throws IOException {
        return Files.readAllLines(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8).stream()
                .map(line -> Json.createReader(new StringReader(line)).readObject()).toList();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void anAcceptedCallbackIsRecordedThenAcknowledged() throws Exception {
        HttpResponse<String> response = post("accept");
        assertEquals(200, response.statusCode());
        assertEquals("{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}", response.body());
        List<JsonObject> records = records();
        assertEquals(1, records.size());
        assertEquals("accepted", records.get(0).getString("outcome"));
        assertEquals("op-accept", records.get(0).getString("operationID"));
        assertEquals(1, records.get(0).getInt("seq"));
    }

    @Test
    void anotherWebhookIsRecordedAsPassedThenAnsweredWithTheNeutralReply() throws Exception {
        HttpResponse<String> response = post("pass");
        assertEquals(200, response.statusCode());
        assertEquals("{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}", response.body());
        JsonObject record = records().get(0);
        assertEquals("passed", record.getString("outcome"));
        assertEquals("callbackBeforeSendSingleMsgCommand", record.getString("command"));
        assertEquals("{}", record.getString("body"));
    }

    @Test
    void aRefusalIsRecordedWithTheDetailTheReplySends() throws Exception {
        HttpResponse<String> response = post("refuse-405");
        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElse(null));
        JsonObject reply = json(response.body());
        assertEquals(1, reply.getInt("actionCode"));
        assertEquals(405, reply.getInt("errCode"));
        assertEquals("method not allowed", reply.getString("errMsg"));
        JsonObject record = records().get(0);
        assertEquals("rejected", record.getString("outcome"));
        assertEquals(405, record.getInt("status"));
        assertEquals(reply.getString("errDlt"), record.getString("error"));
        assertEquals(2, record.getInt("bodyBytes"), "the body's declared length: a refusal before the body reads none of it");
        assertTrue(record.isNull("bodySha256"));
        assertEquals("close", response.headers().firstValue("Connection").orElse(null),
                "nothing waits for a body the receiver will not use");
    }

    @Test
    void aBodyTooSlowEndsItsConnection() throws Exception {
        HttpResponse<String> response = post("refuse-408");
        assertEquals(408, response.statusCode());
        assertEquals("close", response.headers().firstValue("Connection").orElse(null));
        assertEquals(408, records().get(0).getInt("status"));
    }

    @Test
    void aFailureInTheChainIsA500InOpenImsShapeWithItsRecord() throws Exception {
        for (String decision : List.of("fail", "nothing")) {
            HttpResponse<String> response = post(decision);
            assertEquals(500, response.statusCode(), decision);
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
            assertEquals("the receiver failed; see its log", json(response.body()).getString("errDlt"));
        }
        List<JsonObject> records = records();
        assertEquals(2, records.size());
        for (JsonObject record : records) {
            assertEquals(500, record.getInt("status"));
            assertEquals("the receiver failed; see its log", record.getString("error"));
        }
    }

    @Test
    void aChainInAnotherOrderFailsEveryRequestNamingTheOrder() throws Exception {
        HttpResponse<String> response = post("skip-stages");
        assertEquals(500, response.statusCode());
        assertEquals(500, records().get(0).getInt("status"));
        assertEquals(FilterChainOrder.MESSAGE + " (callback ran after audit)",
                response.headers().firstValue("X-Failure").orElse(null));
    }

    @Test
    void nothingIsAcknowledgedOnceRecordsCannotBeWritten() throws Exception {
        // stopped as an undeploy stops it, while the filter still holds it
        Receiver receiver = ReceiverLifecycle.receiver(app.context.getServletContext());
        app.context.getServletContext().removeAttribute(ReceiverLifecycle.ATTRIBUTE);
        receiver.stop();
        for (String decision : List.of("accept", "refuse-405")) {
            HttpResponse<String> response = post(decision);
            assertEquals(503, response.statusCode(), decision);
            JsonObject reply = json(response.body());
            assertEquals("audit unavailable", reply.getString("errMsg"));
            assertEquals("the audit record could not be written", reply.getString("errDlt"));
        }
        assertEquals(List.of(), records());
        CounterSnapshot failures = (CounterSnapshot) receiver.metrics().registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("openim_callback_audit_write_failures")).findFirst().orElseThrow();
        assertEquals(2.0, failures.getDataPoints().get(0).getValue());
    }
}
