package org.openimarchive.receiver.config;

import static org.openimarchive.receiver.config.ReceiverConfig.ADMIN_SOURCES;
import static org.openimarchive.receiver.config.ReceiverConfig.ALLOWED_SOURCES;
import static org.openimarchive.receiver.config.ReceiverConfig.AUDIT_CONTENT;
import static org.openimarchive.receiver.config.ReceiverConfig.AUDIT_DIR;
import static org.openimarchive.receiver.config.ReceiverConfig.AUDIT_HMAC_KEY_FILE;
import static org.openimarchive.receiver.config.ReceiverConfig.AUDIT_MAX_FILE_SIZE;
import static org.openimarchive.receiver.config.ReceiverConfig.AUDIT_RETENTION_DAYS;
import static org.openimarchive.receiver.config.ReceiverConfig.AUDIT_SYNC;
import static org.openimarchive.receiver.config.ReceiverConfig.BODY_TIMEOUT_SECONDS;
import static org.openimarchive.receiver.config.ReceiverConfig.DRAIN_SECONDS;
import static org.openimarchive.receiver.config.ReceiverConfig.LOG4J_CONFIG;
import static org.openimarchive.receiver.config.ReceiverConfig.MAX_BODY_BYTES;
import static org.openimarchive.receiver.config.ReceiverConfig.NODE_NAME;
import static org.openimarchive.receiver.config.ReceiverConfig.PATH_TOKEN;
import static org.openimarchive.receiver.config.ReceiverConfig.STATS_DAYS;
import static org.openimarchive.receiver.config.ReceiverConfig.STATS_TIME_ZONE;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * One parameter of the receiver. {@link #ALL} is the one place each is described: its default,
 * its parser with the bounds, and what it does (Markdown, as README's configuration table
 * shows it). Parameters are read, and their faults reported, in the table's order; web.xml's
 * commented-out list and README's table follow it too (ConfigurationDocsTest).
 */
record Parameter(String name, Default byDefault, Parser parser, String description) {

    static final List<Parameter> ALL = List.of(
            new Parameter(AUDIT_DIR, Default.computed("Tomcat `${catalina.base}/logs/openim-audit`, "
                    + "WildFly `${jboss.server.log.dir}/openim-audit`, Jetty `${jetty.base}/logs/openim-audit`, "
                    + "else `${user.home}/openim-audit`", "/var/log/openim-audit",
                    systemProperties -> Parser.prepared(defaultAuditDir(systemProperties))),
                    Parser.AUDIT_DIRECTORY, "the directory of the audit files, an absolute path; created if missing"),
            new Parameter(AUDIT_MAX_FILE_SIZE, Default.of("100 MB"), Parser.size(1L << 10, 1L << 40),
                    "the size at which the active audit file is rolled; bytes, or a number with `KB`, `MB`, `GB`"),
            new Parameter(AUDIT_RETENTION_DAYS, Default.of("90"), Parser.wholeNumber(1, 36_500, "days"),
                    "days a rolled audit file is kept; older ones are deleted at the next roll"),
            new Parameter(AUDIT_CONTENT, Default.of("full"), Parser.CONTENT_MODE,
                    "what an accepted record keeps of the message content: `full`, `sha256` (the content replaced "
                            + "by `\"sha256:<hex>\"` of its UTF-8 bytes), `omit` (no `content` key)"),
            new Parameter(AUDIT_SYNC, Default.of("os"), Parser.AUDIT_SYNC,
                    "when a callback's record counts as written, so that it may be answered: `os` once the operating "
                            + "system has it (a power loss can take the last records), `fsync` once the audit file is "
                            + "forced to the device, which costs more (see Durability)"),
            new Parameter(MAX_BODY_BYTES, Default.of("1 MB"), Parser.size(1L << 10, 64L << 20),
                    "the largest body accepted, same syntax as `callback.audit.maxFileSize`"),
            new Parameter(BODY_TIMEOUT_SECONDS, Default.of("10"), Parser.wholeNumber(1, 600, "seconds"),
                    "seconds a body may take to arrive whole, from its first read; a slower one is answered 408"),
            new Parameter(ALLOWED_SOURCES, Default.of("127.0.0.0/8, ::1"), Parser.SOURCES,
                    "comma-separated IPv4/IPv6 addresses and CIDR blocks allowed to post, matched against the "
                            + "connection's address (`getRemoteAddr()`); empty allows nobody. `X-Forwarded-For` is "
                            + "never read: behind a proxy, let the container set the remote address (Tomcat's "
                            + "`RemoteIpValve`) for proxies it trusts"),
            new Parameter(LOG4J_CONFIG, Default.none("built-in", "the built-in `openim-receiver-log4j2.xml`",
                    "/etc/openim-receiver/log4j2.xml"), Parser.LOG4J_XML,
                    "the absolute path of a log4j2 XML that replaces the built-in one, to re-route the loggers"),
            new Parameter(ADMIN_SOURCES, Default.of("127.0.0.0/8, ::1"), Parser.SOURCES,
                    "who may read `/stats`, `/metrics`, `/dashboard` and why `/health` is DOWN; same syntax and rules as "
                            + "`callback.allowedSources`"),
            new Parameter(STATS_DAYS, Default.of("30"), Parser.wholeNumber(1, 366, "days"),
                    "recent days that `/stats` keeps per-day figures for"),
            new Parameter(STATS_TIME_ZONE, Default.of("UTC"), Parser.TIME_ZONE,
                    "the time zone that draws the line between days in `/stats`: `UTC`, `Asia/Shanghai`, `+08:00`"),
            new Parameter(AUDIT_HMAC_KEY_FILE, Default.none("none (plain SHA-256)", "none, so the chain uses plain SHA-256",
                    "/etc/openim-receiver/audit-hmac.key"), Parser.hmacKeyFile(16),
                    "the absolute path of a file holding the HMAC key of the audit chain (a final line break is "
                            + "ignored)"),
            new Parameter(PATH_TOKEN, Default.none("none", "none: the callbacks are served at the context's own path",
                    "change-me-to-a-long-random-token"), Parser.PATH_TOKENS,
                    "a secret first path segment: only `<context>/<token>/<command>` and `<context>/<token>?command=` "
                            + "are served, anything else is answered 404; two tokens may be set while OpenIM moves "
                            + "from one to the other; shown as `***` in the log, and never recorded"),
            new Parameter(NODE_NAME, Default.computed("the host name", "receiver-a",
                    systemProperties -> Parser.NODE.parse(hostName())), Parser.NODE,
                    "this receiver's name among several behind a load balancer: in the effective configuration, "
                            + "`/stats`, `/health`, `/metrics` (`openim_callback_node_info`) and the file `audit.node` "
                            + "beside the audit files"),
            new Parameter(DRAIN_SECONDS, Default.of("5"), Parser.wholeNumber(0, 300, "seconds"),
                    "seconds an undeploy or redeploy of the WAR alone first answers `/health` 503 `DRAINING` "
                            + "while it still records callbacks, so that a load balancer "
                            + "takes the node out of rotation; 0 stops at once"));

    /** The host's name, cut to what a node name allows; {@code localhost} when it has none. */
    static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = System.getenv("HOSTNAME");
        }
        String cut = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "-");
        cut = cut.substring(0, Math.min(cut.length(), Parser.NODE_NAME_MAX));
        return cut.isEmpty() ? "localhost" : cut;
    }

    /**
     * Where the audit files go when {@value ReceiverConfig#AUDIT_DIR} is not set: beside the
     * container's own logs on Tomcat, WildFly and a Jetty base, else in the user's home directory.
     */
    static Path defaultAuditDir(Function<String, String> systemProperties) {
        String catalinaBase = systemProperties.apply("catalina.base");
        if (catalinaBase != null) {
            return Path.of(catalinaBase, "logs", "openim-audit");
        }
        String jbossLogDir = systemProperties.apply("jboss.server.log.dir");
        if (jbossLogDir != null) {
            return Path.of(jbossLogDir, "openim-audit");
        }
        String jettyBase = systemProperties.apply("jetty.base");
        if (jettyBase != null) {
            return Path.of(jettyBase, "logs", "openim-audit");
        }
        return Path.of(systemProperties.apply("user.home"), "openim-audit");
    }
}
