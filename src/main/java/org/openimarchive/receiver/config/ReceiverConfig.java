package org.openimarchive.receiver.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openimarchive.receiver.audit.AuditDirectory;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.audit.HmacKeyFile;
import org.openimarchive.receiver.net.SourceAllowlist;

/**
 * The receiver's validated configuration. Each parameter is read from a JVM system property
 * of its name, else from the web application's context parameter (web.xml, or Tomcat's
 * {@code <Parameter>}), else takes its default. Every value is checked at start-up, all
 * faults are reported together, and an unknown {@code callback.*} context parameter is a
 * fault (a likely typo).
 */
public final class ReceiverConfig {

    public static final String AUDIT_DIR = "callback.audit.dir";
    public static final String AUDIT_MAX_FILE_SIZE = "callback.audit.maxFileSize";
    public static final String AUDIT_RETENTION_DAYS = "callback.audit.retentionDays";
    public static final String AUDIT_CONTENT = "callback.audit.content";
    public static final String MAX_BODY_BYTES = "callback.maxBodyBytes";
    public static final String BODY_TIMEOUT_SECONDS = "callback.bodyTimeoutSeconds";
    public static final String ALLOWED_SOURCES = "callback.allowedSources";
    public static final String LOG4J_CONFIG = "callback.log4jConfig";
    public static final String ADMIN_SOURCES = "callback.adminSources";
    public static final String STATS_DAYS = "callback.stats.days";
    public static final String STATS_TIME_ZONE = "callback.stats.timeZone";
    public static final String AUDIT_HMAC_KEY_FILE = "callback.audit.hmacKeyFile";

    public static final String DEFAULT_AUDIT_MAX_FILE_SIZE = "100 MB";
    public static final int DEFAULT_AUDIT_RETENTION_DAYS = 90;
    public static final ContentMode DEFAULT_AUDIT_CONTENT = ContentMode.FULL;
    public static final String DEFAULT_MAX_BODY_BYTES = "1 MB";
    public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 10;
    public static final String DEFAULT_ALLOWED_SOURCES = "127.0.0.0/8, ::1";
    public static final String DEFAULT_ADMIN_SOURCES = "127.0.0.0/8, ::1";
    public static final int DEFAULT_STATS_DAYS = 30;
    public static final String DEFAULT_STATS_TIME_ZONE = "UTC";

    static final long MIN_FILE_SIZE = 1024;
    static final long MAX_FILE_SIZE = 1L << 40;
    static final long MIN_BODY_BYTES = 1024;
    static final long MAX_BODY = 64L << 20;
    static final int MAX_BODY_TIMEOUT_SECONDS = 600;
    static final int MAX_RETENTION_DAYS = 36_500;
    static final int MAX_STATS_DAYS = 366;
    static final int MIN_HMAC_KEY_BYTES = 16;

    private static final Set<String> NAMES = Set.of(AUDIT_DIR, AUDIT_MAX_FILE_SIZE, AUDIT_RETENTION_DAYS,
            AUDIT_CONTENT, MAX_BODY_BYTES, BODY_TIMEOUT_SECONDS, ALLOWED_SOURCES, LOG4J_CONFIG, ADMIN_SOURCES, STATS_DAYS, STATS_TIME_ZONE, AUDIT_HMAC_KEY_FILE);
    private static final Pattern SIZE = Pattern.compile("(\\d{1,13})\\s*(|B|KB|MB|GB)", Pattern.CASE_INSENSITIVE);

    private final Path auditDir;
    private final long auditMaxFileSize;
    private final int auditRetentionDays;
    private final ContentMode auditContent;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;
    private final SourceAllowlist allowedSources;
    private final Path log4jConfig;
    private final SourceAllowlist adminSources;
    private final int statsDays;
    private final ZoneId statsTimeZone;
    private final byte[] hmacKey;
    private final Map<String, String> effective;
    private final List<String> warnings;

    private ReceiverConfig(Reader r) {
        this.auditDir = r.auditDir();
        this.auditMaxFileSize = r.size(AUDIT_MAX_FILE_SIZE, DEFAULT_AUDIT_MAX_FILE_SIZE, MIN_FILE_SIZE, MAX_FILE_SIZE);
        this.auditRetentionDays = r.wholeNumber(AUDIT_RETENTION_DAYS, DEFAULT_AUDIT_RETENTION_DAYS, 1,
                MAX_RETENTION_DAYS, "days");
        this.auditContent = r.contentMode();
        this.maxBodyBytes = (int) r.size(MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, MIN_BODY_BYTES, MAX_BODY);
        this.bodyTimeout = Duration.ofSeconds(r.wholeNumber(BODY_TIMEOUT_SECONDS, DEFAULT_BODY_TIMEOUT_SECONDS, 1,
                MAX_BODY_TIMEOUT_SECONDS, "seconds"));
        this.allowedSources = r.allowlist(ALLOWED_SOURCES, DEFAULT_ALLOWED_SOURCES);
        this.log4jConfig = r.log4jConfig();
        this.adminSources = r.allowlist(ADMIN_SOURCES, DEFAULT_ADMIN_SOURCES);
        this.statsDays = r.wholeNumber(STATS_DAYS, DEFAULT_STATS_DAYS, 1, MAX_STATS_DAYS, "days");
        this.statsTimeZone = r.timeZone(STATS_TIME_ZONE, DEFAULT_STATS_TIME_ZONE);
        this.hmacKey = r.hmacKey();
        if (auditRetentionDays < statsDays) {
            r.problem(AUDIT_RETENTION_DAYS, auditRetentionDays + " days is less than " + STATS_DAYS + " (" + statsDays
                    + "): the statistics are counted from the audit files retention keeps");
        }
        r.rejectUnknownNames();
        r.throwIfInvalid();
        this.effective = Map.copyOf(r.effective);
        this.warnings = r.unknownSystemProperties();
    }

    /**
     * Reads and checks every parameter, and makes sure the audit directory exists and is
     * writable.
     *
     * @param contextParams the context parameters by name (null when absent)
     * @param contextParamNames the names of all context parameters, to catch typos
     * @param systemProperties the JVM system properties by name (null when absent)
     * @param systemPropertyNames the names of all system properties, to warn of typos
     * @throws InvalidConfigurationException naming every parameter at fault
     */
    public static ReceiverConfig load(Function<String, String> contextParams, Set<String> contextParamNames,
                                      Function<String, String> systemProperties, Set<String> systemPropertyNames) {
        return new ReceiverConfig(new Reader(contextParams, contextParamNames, systemProperties, systemPropertyNames));
    }

    /**
     * {@code callback.*} system properties that are no parameter of this receiver: warnings
     * only, since system properties belong to every application of the JVM.
     */
    public List<String> warnings() {
        return warnings;
    }

    public Path auditDir() {
        return auditDir;
    }

    public long auditMaxFileSize() {
        return auditMaxFileSize;
    }

    public int auditRetentionDays() {
        return auditRetentionDays;
    }

    public ContentMode auditContent() {
        return auditContent;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How long a body may take to arrive whole, from its first read. */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    public SourceAllowlist allowedSources() {
        return allowedSources;
    }

    /** The operator's log4j2 XML replacing the built-in one, or null. */
    public Path log4jConfig() {
        return log4jConfig;
    }

    /** Who may read {@code /stats} and {@code /metrics}. */
    public SourceAllowlist adminSources() {
        return adminSources;
    }

    /** How many recent days {@code /stats} keeps per-day figures for. */
    public int statsDays() {
        return statsDays;
    }

    /** The time zone that draws the line between days in {@code /stats}. */
    public ZoneId statsTimeZone() {
        return statsTimeZone;
    }

    /**
     * The key that turns the audit chain's hashes into HMACs, read from
     * {@value #AUDIT_HMAC_KEY_FILE}, or null for plain SHA-256. Never logged.
     */
    public byte[] hmacKey() {
        return hmacKey == null ? null : hmacKey.clone();
    }

    /** One line for the log: every parameter, its value and where the value came from. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (String name : new TreeSet<>(effective.keySet())) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(name).append('=').append(effective.get(name));
        }
        return out.toString();
    }

    /** Reads parameters one by one, collecting faults instead of stopping at the first. */
    private static final class Reader {
        private final Function<String, String> contextParams;
        private final Set<String> contextParamNames;
        private final Function<String, String> systemProperties;
        private final Set<String> systemPropertyNames;
        private final List<String> problems = new ArrayList<>();
        private final Map<String, String> effective = new LinkedHashMap<>();

        Reader(Function<String, String> contextParams, Set<String> contextParamNames,
               Function<String, String> systemProperties, Set<String> systemPropertyNames) {
            this.contextParams = contextParams;
            this.contextParamNames = contextParamNames;
            this.systemProperties = systemProperties;
            this.systemPropertyNames = systemPropertyNames;
        }

        /** The raw value, or null for the default; records where it came from. */
        private String raw(String name) {
            String value = systemProperties.apply(name);
            String source = "system property";
            if (value == null) {
                value = contextParams.apply(name);
                source = "context parameter";
            }
            if (value == null) {
                return null;
            }
            effective.put(name, value.trim() + " (" + source + ")");
            return value.trim();
        }

        private void setDefault(String name, Object value) {
            effective.put(name, value + " (default)");
        }

        private void problem(String name, String message) {
            problems.add(name + ": " + message);
        }

        Path auditDir() {
            String value = raw(AUDIT_DIR);
            Path dir;
            if (value == null) {
                dir = defaultAuditDir(systemProperties);
                setDefault(AUDIT_DIR, dir);
            } else {
                try {
                    dir = Path.of(value);
                } catch (InvalidPathException e) {
                    problem(AUDIT_DIR, "'" + value + "' is not a path");
                    return null;
                }
                if (!dir.isAbsolute()) {
                    problem(AUDIT_DIR, "'" + value + "' must be an absolute path");
                    return null;
                }
            }
            String fault = AuditDirectory.prepare(dir);
            if (fault != null) {
                problem(AUDIT_DIR, fault);
            }
            return dir;
        }

        long size(String name, String defaultValue, long min, long max) {
            String value = raw(name);
            if (value == null) {
                setDefault(name, defaultValue);
                value = defaultValue;
            }
            Matcher m = SIZE.matcher(value);
            long bytes = -1;
            if (m.matches()) {
                int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "KB" -> 10;
                    case "MB" -> 20;
                    case "GB" -> 30;
                    default -> 0;
                };
                long n = Long.parseLong(m.group(1));
                bytes = n <= (Long.MAX_VALUE >> shift) ? n << shift : Long.MAX_VALUE;
            }
            if (bytes < min || bytes > max) {
                problem(name, "'" + value + "' is not a size from " + describeSize(min) + " to "
                        + describeSize(max) + " (bytes, or a number with KB, MB or GB)");
                return min;
            }
            return bytes;
        }

        int wholeNumber(String name, int defaultValue, int min, int max, String unit) {
            String value = raw(name);
            if (value == null) {
                setDefault(name, defaultValue);
                return defaultValue;
            }
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(name, "'" + value + "' is not a whole number of " + unit + " from " + min + " to " + max);
            return defaultValue;
        }

        /** The key file's bytes, less a final line break; only its path is ever shown. */
        byte[] hmacKey() {
            String value = raw(AUDIT_HMAC_KEY_FILE);
            if (value == null) {
                setDefault(AUDIT_HMAC_KEY_FILE, "none (plain SHA-256)");
                return null;
            }
            String fault = "'" + value + "' is not the absolute path of a readable file of at least "
                    + MIN_HMAC_KEY_BYTES + " bytes";
            try {
                Path file = Path.of(value);
                if (file.isAbsolute() && Files.isRegularFile(file) && Files.isReadable(file)) {
                    byte[] key = HmacKeyFile.read(file);
                    if (key.length >= MIN_HMAC_KEY_BYTES) {
                        return key;
                    }
                }
            } catch (InvalidPathException | IOException e) {
                // reported below
            }
            problem(AUDIT_HMAC_KEY_FILE, fault);
            return null;
        }

        ZoneId timeZone(String name, String defaultValue) {
            String value = raw(name);
            if (value == null) {
                setDefault(name, defaultValue);
                value = defaultValue;
            }
            try {
                return ZoneId.of(value);
            } catch (DateTimeException e) {
                problem(name, "'" + value + "' is not a time zone (such as UTC, Asia/Shanghai or +08:00)");
                return ZoneOffset.UTC;
            }
        }

        ContentMode contentMode() {
            String value = raw(AUDIT_CONTENT);
            if (value == null) {
                setDefault(AUDIT_CONTENT, DEFAULT_AUDIT_CONTENT.configName());
                return DEFAULT_AUDIT_CONTENT;
            }
            for (ContentMode mode : ContentMode.values()) {
                if (mode.configName().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            problem(AUDIT_CONTENT, "'" + value + "' is not one of full, sha256, omit");
            return DEFAULT_AUDIT_CONTENT;
        }

        SourceAllowlist allowlist(String name, String defaultValue) {
            String value = raw(name);
            if (value == null) {
                setDefault(name, defaultValue);
                value = defaultValue;
            }
            try {
                return SourceAllowlist.parse(value);
            } catch (IllegalArgumentException e) {
                problem(name, e.getMessage());
                return SourceAllowlist.parse("");
            }
        }

        Path log4jConfig() {
            String value = raw(LOG4J_CONFIG);
            if (value == null) {
                setDefault(LOG4J_CONFIG, "built-in");
                return null;
            }
            try {
                Path file = Path.of(value);
                if (file.isAbsolute() && Files.isRegularFile(file) && Files.isReadable(file)) {
                    return file;
                }
            } catch (InvalidPathException e) {
                // reported below
            }
            problem(LOG4J_CONFIG, "'" + value + "' is not the absolute path of a readable log4j2 XML file");
            return null;
        }

        void rejectUnknownNames() {
            for (String name : new TreeSet<>(contextParamNames)) {
                if (name.startsWith("callback.") && !NAMES.contains(name)) {
                    problems.add(name + ": unknown parameter" + suggestion(name));
                }
            }
        }

        List<String> unknownSystemProperties() {
            List<String> warnings = new ArrayList<>();
            for (String name : new TreeSet<>(systemPropertyNames)) {
                if (name.startsWith("callback.") && !NAMES.contains(name)) {
                    warnings.add("system property " + name + " is not a parameter of this receiver and is ignored"
                            + suggestion(name));
                }
            }
            return List.copyOf(warnings);
        }

        private static String suggestion(String name) {
            String nearest = nearestName(name);
            return nearest != null
                    ? "; did you mean " + nearest + "?"
                    : " (known: " + String.join(", ", new TreeSet<>(NAMES)) + ")";
        }

        void throwIfInvalid() {
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException(problems);
            }
        }
    }

    /** The known name a few edits away from {@code name}, or null. */
    private static String nearestName(String name) {
        String nearest = null;
        int best = Math.max(3, name.length() / 4) + 1;
        for (String known : new TreeSet<>(NAMES)) {
            int distance = editDistance(name.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
            if (distance < best) {
                best = distance;
                nearest = known;
            }
        }
        return nearest;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * Where the audit files go when {@value #AUDIT_DIR} is not set: beside the container's
     * own logs on Tomcat, WildFly and a Jetty base, else in the user's home directory.
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

    private static String describeSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KB";
        }
        return bytes + " bytes";
    }
}
