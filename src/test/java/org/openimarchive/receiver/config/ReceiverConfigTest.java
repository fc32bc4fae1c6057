package org.openimarchive.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.audit.ContentMode;

class ReceiverConfigTest {

    @TempDir
    Path dir;

    private final Map<String, String> params = new HashMap<>();
    private final Map<String, String> system = new HashMap<>();

    private ReceiverConfig load() {
        return ReceiverConfig.load(params::get, params.keySet(), system::get, system.keySet());
    }

    private List<String> problems() {
        return assertThrows(InvalidConfigurationException.class, this::load).problems();
    }

    @Test
    void defaultsWorkOnTomcat() {
        system.put("catalina.base", dir.toString());
        ReceiverConfig config = load();
        assertEquals(dir.resolve("logs/openim-audit"), config.auditDir());
        assertTrue(Files.isDirectory(config.auditDir()));
        assertEquals(100L << 20, config.auditMaxFileSize());
        assertEquals(90, config.auditRetentionDays());
        assertEquals(ContentMode.FULL, config.auditContent());
        assertEquals(1 << 20, config.maxBodyBytes());
        assertEquals(java.time.Duration.ofSeconds(10), config.bodyTimeout());
        assertEquals("[127.0.0.0/8, ::1]", config.allowedSources().toString());
        assertNull(config.log4jConfig());
        assertEquals("[127.0.0.0/8, ::1]", config.adminSources().toString());
        assertEquals(30, config.statsDays());
        assertEquals(java.time.ZoneId.of("UTC"), config.statsTimeZone());
    }

    @Test
    void defaultAuditDirFollowsTheContainer() {
        assertEquals(Path.of("/wf/log/openim-audit"),
                Parameter.defaultAuditDir(Map.of("jboss.server.log.dir", "/wf/log")::get));
        assertEquals(Path.of("/jb/logs/openim-audit"),
                Parameter.defaultAuditDir(Map.of("jetty.base", "/jb")::get));
        assertEquals(Path.of("/home/u/openim-audit"),
                Parameter.defaultAuditDir(Map.of("user.home", "/home/u")::get));
    }

    @Test
    void readsContextParametersAndSystemPropertiesWin() {
        params.put(ReceiverConfig.AUDIT_DIR, dir.resolve("from-param").toString());
        params.put(ReceiverConfig.AUDIT_MAX_FILE_SIZE, "10 kb");
        params.put(ReceiverConfig.AUDIT_RETENTION_DAYS, "7");
        params.put(ReceiverConfig.STATS_DAYS, "7");
        params.put(ReceiverConfig.AUDIT_CONTENT, "SHA256");
        params.put(ReceiverConfig.MAX_BODY_BYTES, "65536");
        params.put(ReceiverConfig.BODY_TIMEOUT_SECONDS, "3");
        params.put(ReceiverConfig.ALLOWED_SOURCES, "10.0.0.0/8");
        system.put(ReceiverConfig.AUDIT_DIR, dir.resolve("from-property").toString());
        system.put(ReceiverConfig.ALLOWED_SOURCES, "");
        ReceiverConfig config = load();
        assertEquals(dir.resolve("from-property"), config.auditDir());
        assertEquals(10 * 1024, config.auditMaxFileSize());
        assertEquals(7, config.auditRetentionDays());
        assertEquals(ContentMode.SHA256, config.auditContent());
        assertEquals(65536, config.maxBodyBytes());
        assertEquals(java.time.Duration.ofSeconds(3), config.bodyTimeout());
        assertTrue(config.describe().contains("callback.bodyTimeoutSeconds=3 (context parameter)"), config.describe());
        assertTrue(config.allowedSources().isEmpty());
        assertTrue(config.describe().contains("callback.audit.dir=" + dir.resolve("from-property") + " (system property)"),
                config.describe());
        assertTrue(config.describe().contains("callback.audit.retentionDays=7 (context parameter)"), config.describe());
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        params.put(ReceiverConfig.AUDIT_DIR, "relative/dir");
        params.put(ReceiverConfig.AUDIT_MAX_FILE_SIZE, "12 parsecs");
        params.put(ReceiverConfig.AUDIT_RETENTION_DAYS, "0");
        params.put(ReceiverConfig.AUDIT_CONTENT, "some");
        params.put(ReceiverConfig.MAX_BODY_BYTES, "1 GB");
        params.put(ReceiverConfig.BODY_TIMEOUT_SECONDS, "10s");
        params.put(ReceiverConfig.ALLOWED_SOURCES, "10.0.0.0/8, 10.0.0.0/40");
        params.put(ReceiverConfig.LOG4J_CONFIG, dir.resolve("missing.xml").toString());
        params.put(ReceiverConfig.ADMIN_SOURCES, "everyone");
        params.put(ReceiverConfig.STATS_DAYS, "400");
        params.put(ReceiverConfig.STATS_TIME_ZONE, "Mars/Olympus");
        params.put("callback.allowedSource", "typo");
        params.put("callback.colour", "blue");
        params.put("unrelated.param", "ignored");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, this::load);
        assertEquals(List.of(
                "callback.audit.dir: 'relative/dir' must be an absolute path",
                "callback.audit.maxFileSize: '12 parsecs' is not a size from 1 KB to 1024 GB (bytes, or a number with KB, MB or GB)",
                "callback.audit.retentionDays: '0' is not a whole number of days from 1 to 36500",
                "callback.audit.content: 'some' is not one of full, sha256, omit",
                "callback.maxBodyBytes: '1 GB' is not a size from 1 KB to 64 MB (bytes, or a number with KB, MB or GB)",
                "callback.bodyTimeoutSeconds: '10s' is not a whole number of seconds from 1 to 600",
                "callback.allowedSources: '10.0.0.0/40' is not an IPv4 or IPv6 address or CIDR block (such as 10.0.0.0/8 or fd00::/8)",
                "callback.log4jConfig: '" + dir.resolve("missing.xml") + "' is not the absolute path of a readable log4j2 XML file",
                "callback.adminSources: 'everyone' is not an IPv4 or IPv6 address or CIDR block (such as 10.0.0.0/8 or fd00::/8)",
                "callback.stats.days: '400' is not a whole number of days from 1 to 366",
                "callback.stats.timeZone: 'Mars/Olympus' is not a time zone (such as UTC, Asia/Shanghai or +08:00)",
                "callback.allowedSource: unknown parameter; did you mean callback.allowedSources?",
                "callback.colour: unknown parameter (known: callback.adminSources, callback.allowedSources, "
                        + "callback.audit.content, callback.audit.dir, callback.audit.hmacKeyFile, callback.audit.maxFileSize, "
                        + "callback.audit.retentionDays, callback.audit.sync, callback.bodyTimeoutSeconds, callback.drainSeconds, callback.log4jConfig, "
                        + "callback.maxBodyBytes, callback.nodeName, callback.pathToken, callback.stats.days, callback.stats.timeZone)"), e.problems());
        assertTrue(e.getMessage().startsWith("OpenIM callback receiver not started, invalid configuration: "
                + "callback.audit.dir: 'relative/dir' must be an absolute path; "), e.getMessage());
    }

    @Test
    void bodyTimeoutIsOneToSixHundredSeconds() {
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        params.put(ReceiverConfig.BODY_TIMEOUT_SECONDS, "600");
        assertEquals(java.time.Duration.ofSeconds(600), load().bodyTimeout());
        params.put(ReceiverConfig.BODY_TIMEOUT_SECONDS, "1");
        assertEquals(java.time.Duration.ofSeconds(1), load().bodyTimeout());
        params.put(ReceiverConfig.BODY_TIMEOUT_SECONDS, "0");
        assertEquals(List.of("callback.bodyTimeoutSeconds: '0' is not a whole number of seconds from 1 to 600"), problems());
        params.put(ReceiverConfig.BODY_TIMEOUT_SECONDS, "601");
        assertEquals(List.of("callback.bodyTimeoutSeconds: '601' is not a whole number of seconds from 1 to 600"), problems());
    }

    @Test
    void warnsOfUnknownCallbackSystemPropertiesWithoutFailing() {
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        system.put("callback.audit.contents", "omit");
        system.put("unrelated", "x");
        assertEquals(List.of("system property callback.audit.contents is not a parameter of this receiver and is ignored;"
                + " did you mean callback.audit.content?"), load().warnings());
    }

    @Test
    void retentionMustCoverTheStatisticsDays() {
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        params.put(ReceiverConfig.AUDIT_RETENTION_DAYS, "7");
        assertEquals(List.of("callback.audit.retentionDays: 7 days is less than callback.stats.days (30): "
                + "the statistics are counted from the audit files retention keeps"), problems());
    }

    @Test
    void readsTheHmacKeyFromAFileAndNeverShowsIt() throws Exception {
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        Path key = Files.writeString(dir.resolve("key"), "0123456789abcdef-secret\n");
        params.put(ReceiverConfig.AUDIT_HMAC_KEY_FILE, key.toString());
        ReceiverConfig config = load();
        assertEquals("0123456789abcdef-secret", new String(config.hmacKey(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(!config.describe().contains("secret"), config.describe());
        Files.writeString(key, "short");
        assertEquals(List.of("callback.audit.hmacKeyFile: '" + key + "' is not the absolute path of a readable file of at least 16 bytes"),
                problems());
    }

    @Test
    void anAuditDirThatCannotBeCreatedIsAFault() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        params.put(ReceiverConfig.AUDIT_DIR, file.resolve("audit").toString());
        List<String> problems = problems();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("callback.audit.dir: cannot create directory " + file.resolve("audit")),
                problems.get(0));
    }

    @Test
    void readsSizesWithAndWithoutUnits() {
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        for (Map.Entry<String, Long> size : Map.of("1024", 1024L, "2KB", 2048L, "3 mb", 3L << 20, "1GB", 1L << 30,
                "5 B", -1L, "-1", -1L, "1.5 MB", -1L, "", -1L).entrySet()) {
            params.put(ReceiverConfig.AUDIT_MAX_FILE_SIZE, size.getKey());
            if (size.getValue() < 0) {
                assertEquals(1, problems().size(), size.getKey());
            } else {
                assertEquals(size.getValue(), load().auditMaxFileSize(), size.getKey());
            }
        }
    }

    @Test
    void aPathTokenIsNeverShownNorEchoedInAFault() {
        String token = "k7Hq2-xZ9_pL4mN8vB3c";
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        params.put(ReceiverConfig.PATH_TOKEN, token + ", " + token.toUpperCase());
        ReceiverConfig config = load();
        assertTrue(config.describe().contains("callback.pathToken=*** (context parameter)"), config.describe());
        assertFalse(config.describe().contains(token), config.describe());
        assertTrue(config.pathTokens().matches(token));
        assertTrue(config.pathTokens().matches(token.toUpperCase()));
        assertFalse(config.pathTokens().matches(token.substring(1)));
        assertEquals("***", config.pathTokens().toString());

        for (String bad : List.of("short-token", token + "!", token + "," + token + "," + token, token + ",")) {
            params.put(ReceiverConfig.PATH_TOKEN, bad);
            assertEquals(List.of("callback.pathToken: the value (not shown) is not one or two comma-separated tokens of "
                    + "16 to 128 letters, digits, '-' or '_'"), problems(), bad);
        }
        params.remove(ReceiverConfig.PATH_TOKEN);
        assertNull(load().pathTokens());
        assertTrue(load().describe().contains("callback.pathToken=none (default)"), load().describe());
    }

    @Test
    void aNodeHasANameAndDrains() {
        params.put(ReceiverConfig.AUDIT_DIR, dir.toString());
        ReceiverConfig byDefault = load();
        assertTrue(byDefault.nodeName().matches("[A-Za-z0-9._-]{1,64}"), byDefault.nodeName());
        assertTrue(byDefault.describe().contains("callback.nodeName=" + byDefault.nodeName() + " (default)"),
                byDefault.describe());
        assertEquals(java.time.Duration.ofSeconds(5), byDefault.drain());

        params.put(ReceiverConfig.NODE_NAME, "receiver-b.eu_1");
        params.put(ReceiverConfig.DRAIN_SECONDS, "0");
        assertEquals("receiver-b.eu_1", load().nodeName());
        assertEquals(java.time.Duration.ZERO, load().drain());

        params.put(ReceiverConfig.NODE_NAME, "node a");
        params.put(ReceiverConfig.DRAIN_SECONDS, "301");
        assertEquals(List.of("callback.nodeName: 'node a' is not a node name of 1 to 64 letters, digits, '.', '_' or '-'",
                "callback.drainSeconds: '301' is not a whole number of seconds from 0 to 300"), problems());
    }
}
