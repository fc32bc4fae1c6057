package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/** The WAR deployed with context parameters other than the defaults, each on its own Jetty. */
class ConfiguredDeploymentIT {

    @TempDir
    Path auditDir;

    private static String newOperationID() {
        return "it-" + UUID.randomUUID();
    }

    private static byte[] text() {
        return Fixtures.bytes("good/v3.8-text.json");
    }

    @Test
    void refusesSourcesOutsideTheAllowlistWhateverXForwardedForSays() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.allowedSources", "10.0.0.0/8, fd00::/8"))) {
            String operationID = newOperationID();
            HttpResponse<String> response = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                    .header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "10.1.2.3")
                    .header("operationID", operationID)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(text())));
            assertEquals(403, response.statusCode());
            assertEquals("{\"actionCode\":1,\"errCode\":403,\"errMsg\":\"source address not allowed\","
                    + "\"errDlt\":\"source address 127.0.0.1 is not in callback.allowedSources\",\"nextCode\":0}", response.body());
            JsonObject record = war.auditRecord(operationID);
            assertEquals("rejected", record.getString("outcome"));
            assertEquals(403, record.getInt("status"));
            // nothing of a source that is not allowed is read: the declared length, no hash
            assertEquals(text().length, record.getInt("bodyBytes"));
            assertTrue(record.isNull("bodySha256"));
        }
    }

    @Test
    void anEmptyAllowlistAllowsNobody() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.allowedSources", ""))) {
            String operationID = newOperationID();
            assertEquals(403, war.post(DeployedWar.COMMAND_PATH, text(), operationID).statusCode());
            assertEquals(403, war.auditRecord(operationID).getInt("status"));
        }
    }

    @Test
    void theBodyLimitHoldsToTheByteDeclaredOrChunked() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.maxBodyBytes", "4 KB"))) {
            byte[] atLimit = Arrays.copyOf(text(), 4096);
            Arrays.fill(atLimit, text().length, atLimit.length, (byte) ' ');
            byte[] overLimit = Arrays.copyOf(atLimit, 4097);
            overLimit[4096] = ' ';

            assertEquals(200, postDeclared(war, atLimit).statusCode());
            assertEquals(200, postChunked(war, atLimit).statusCode());
            assertEquals(413, postDeclared(war, overLimit).statusCode());
            HttpResponse<String> chunked = postChunked(war, overLimit);
            assertEquals(413, chunked.statusCode());
            assertEquals("body is over callback.maxBodyBytes (4096 bytes)",
                    Json.createReader(new StringReader(chunked.body())).readObject().getString("errDlt"));
        }
    }

    private static HttpResponse<String> postDeclared(DeployedWar war, byte[] body) throws Exception {
        return war.post(DeployedWar.COMMAND_PATH, body, newOperationID());
    }

    private static HttpResponse<String> postChunked(DeployedWar war, byte[] body) throws Exception {
        return war.send(HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    @Test
    void sha256ContentModeKeepsAProofInsteadOfTheText() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.audit.content", "sha256"))) {
            String operationID = newOperationID();
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, text(), operationID).statusCode());
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest("{\"content\":\"aaaa\"}".getBytes(StandardCharsets.UTF_8)));
            JsonObject msg = war.auditRecord(operationID).getJsonObject("msg");
            assertEquals("sha256:" + digest, msg.getString("content"));
            assertFalse(Files.readString(auditDir.resolve("audit.jsonl")).contains("aaaa"));
        }
    }

    @Test
    void omitContentModeLeavesTheContentOut() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.audit.content", "omit"))) {
            String operationID = newOperationID();
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, text(), operationID).statusCode());
            JsonObject msg = war.auditRecord(operationID).getJsonObject("msg");
            assertFalse(msg.containsKey("content"));
            assertEquals("19997", msg.getString("recvID"));
        }
    }

    @Test
    void anHmacKeyFileSealsTheChainWithTheOperatorsKey() throws Exception {
        Path key = Files.writeString(auditDir.resolve("../hmac.key").normalize(), "0123456789abcdef0123456789abcdef\n");
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.audit.hmacKeyFile", key.toString()))) {
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, text(), newOperationID()).statusCode());
        }
        byte[] keyBytes = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        assertEquals(null, new org.openimarchive.receiver.audit.AuditVerifier(keyBytes).verify(auditDir, n -> { }).breakAt());
        assertTrue(new org.openimarchive.receiver.audit.AuditVerifier(null).verify(auditDir, n -> { }).breakAt()
                .contains("does not match"));
        Files.delete(key);
    }

    @Test
    void aBadConfigurationFailsTheDeploymentNamingEveryFault() {
        Exception e = assertThrows(Exception.class, () -> DeployedWar.start(Map.of(
                "callback.audit.dir", auditDir.toString(),
                "callback.allowedSources", "127.0.0.1, 10.0.0.300/8",
                "callback.audit.retentionDays", "forever",
                "callback.maxBodySize", "1 MB")));
        String message = rootCause(e).getMessage();
        assertEquals("OpenIM callback receiver not started, invalid configuration: "
                + "callback.audit.retentionDays: 'forever' is not a whole number of days from 1 to 36500; "
                + "callback.allowedSources: '10.0.0.300/8' is not an IPv4 or IPv6 address or CIDR block (such as 10.0.0.0/8 or fd00::/8); "
                + "callback.maxBodySize: unknown parameter; did you mean callback.maxBodyBytes?", message);
    }

    @Test
    void withoutAnAuditDirectoryItWritesBesideJettysLogs() throws Exception {
        // a Jetty 12 distribution sets jetty.base; the receiver's default follows it
        System.setProperty("jetty.base", auditDir.toString());
        org.eclipse.jetty.server.Server server = DeployedWar.start(Map.of());
        try {
            int port = ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpResponse<String> r = CallbackPost.post(
                    java.net.URI.create("http://127.0.0.1:" + port + DeployedWar.COMMAND_PATH), text(), "default-dir");
            assertEquals(200, r.statusCode());
            assertTrue(Files.readString(auditDir.resolve("logs/openim-audit/audit.jsonl")).contains("\"operationID\":\"default-dir\""));
        } finally {
            server.stop();
            System.clearProperty("jetty.base");
        }
    }

    @Test
    void aSecondReceiverOnTheSameAuditDirectoryFailsToStart() throws Exception {
        try (DeployedWar first = DeployedWar.deploy(auditDir, Map.of())) {
            Exception e = assertThrows(Exception.class,
                    () -> DeployedWar.start(Map.of("callback.audit.dir", auditDir.toString())));
            assertEquals("callback.audit.dir: " + auditDir + " is in use by another running receiver (it holds "
                    + auditDir.resolve("audit.lock") + "); give each deployment its own audit directory", rootCause(e).getMessage());
            String operationID = newOperationID();
            assertEquals(200, first.post(DeployedWar.COMMAND_PATH, text(), operationID).statusCode());
        }
        // released on undeploy
        try (DeployedWar again = DeployedWar.deploy(auditDir, Map.of())) {
            assertEquals(200, again.post(DeployedWar.COMMAND_PATH, text(), newOperationID()).statusCode());
        }
    }

    @Test
    void aSystemPropertyOverridesTheContextParameter() throws Exception {
        Path fromProperty = auditDir.resolve("from-property");
        System.setProperty("callback.audit.dir", fromProperty.toString());
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.audit.dir", auditDir.resolve("from-param").toString()))) {
            String operationID = newOperationID();
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, text(), operationID).statusCode());
            assertTrue(Files.readString(fromProperty.resolve("audit.jsonl")).contains(operationID));
            assertFalse(Files.exists(auditDir.resolve("from-param").resolve("audit.jsonl")));
        } finally {
            System.clearProperty("callback.audit.dir");
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
