package org.openimarchive.receiver.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.openimarchive.receiver.audit.AuditSync;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.net.SourceAllowlist;

/**
 * The receiver's validated configuration. Each parameter is read from a JVM system property
 * of its name, else from the web application's context parameter (web.xml, or Tomcat's
 * {@code <Parameter>}), else takes its default. Every value is checked at start-up, all
 * faults are reported together, and an unknown {@code callback.*} context parameter is a
 * fault (a likely typo). Defaults, bounds and descriptions are in {@code Parameter.ALL}.
 */
public final class ReceiverConfig {

    public static final String AUDIT_DIR = "callback.audit.dir";
    public static final String AUDIT_MAX_FILE_SIZE = "callback.audit.maxFileSize";
    public static final String AUDIT_RETENTION_DAYS = "callback.audit.retentionDays";
    public static final String AUDIT_CONTENT = "callback.audit.content";
    public static final String AUDIT_SYNC = "callback.audit.sync";
    public static final String MAX_BODY_BYTES = "callback.maxBodyBytes";
    public static final String BODY_TIMEOUT_SECONDS = "callback.bodyTimeoutSeconds";
    public static final String ALLOWED_SOURCES = "callback.allowedSources";
    public static final String LOG4J_CONFIG = "callback.log4jConfig";
    public static final String ADMIN_SOURCES = "callback.adminSources";
    public static final String STATS_DAYS = "callback.stats.days";
    public static final String STATS_TIME_ZONE = "callback.stats.timeZone";
    public static final String AUDIT_HMAC_KEY_FILE = "callback.audit.hmacKeyFile";
    public static final String PATH_TOKEN = "callback.pathToken";
    public static final String NODE_NAME = "callback.nodeName";
    public static final String DRAIN_SECONDS = "callback.drainSeconds";

    /** The parameters' names, sorted. */
    private static final Set<String> NAMES = names();

    // every value parsed and typed once, at start-up: several are read on every request
    private final Path auditDir;
    private final long auditMaxFileSize;
    private final int auditRetentionDays;
    private final ContentMode auditContent;
    private final AuditSync auditSync;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;
    private final SourceAllowlist allowedSources;
    private final Path log4jConfig;
    private final SourceAllowlist adminSources;
    private final int statsDays;
    private final ZoneId statsTimeZone;
    private final byte[] hmacKey;
    private final PathTokens pathTokens;
    private final String nodeName;
    private final Duration drain;
    private final Map<String, String> effective;
    private final List<String> warnings;

    private ReceiverConfig(Reader r) {
        // by name, null where a parameter has none
        Map<String, Object> values = r.readAll();
        this.auditDir = (Path) values.get(AUDIT_DIR);
        this.auditMaxFileSize = (Long) values.get(AUDIT_MAX_FILE_SIZE);
        this.auditRetentionDays = (Integer) values.get(AUDIT_RETENTION_DAYS);
        this.auditContent = (ContentMode) values.get(AUDIT_CONTENT);
        this.auditSync = (AuditSync) values.get(AUDIT_SYNC);
        this.maxBodyBytes = Math.toIntExact((Long) values.get(MAX_BODY_BYTES));
        this.bodyTimeout = Duration.ofSeconds((Integer) values.get(BODY_TIMEOUT_SECONDS));
        this.allowedSources = (SourceAllowlist) values.get(ALLOWED_SOURCES);
        this.log4jConfig = (Path) values.get(LOG4J_CONFIG);
        this.adminSources = (SourceAllowlist) values.get(ADMIN_SOURCES);
        this.statsDays = (Integer) values.get(STATS_DAYS);
        this.statsTimeZone = (ZoneId) values.get(STATS_TIME_ZONE);
        this.hmacKey = (byte[]) values.get(AUDIT_HMAC_KEY_FILE);
        this.pathTokens = (PathTokens) values.get(PATH_TOKEN);
        this.nodeName = (String) values.get(NODE_NAME);
        this.drain = Duration.ofSeconds((Integer) values.get(DRAIN_SECONDS));
        if (auditRetentionDays < statsDays) {
            r.problem(AUDIT_RETENTION_DAYS, auditRetentionDays + " days is less than " + STATS_DAYS + " (" + statsDays
                    + "): the statistics are counted from the audit files retention keeps");
        }
        r.rejectUnknownNames();
        r.throwIfInvalid();
        this.effective = Map.copyOf(r.effective);
        this.warnings = r.unknownSystemProperties();
    }

    private static Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (Parameter parameter : Parameter.ALL) {
            names.add(parameter.name());
        }
        return names;
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

    public AuditSync auditSync() {
        return auditSync;
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

    /**
     * The secret path segment(s) that every callback path must start with, or null when
     * none is set. Never logged.
     */
    public PathTokens pathTokens() {
        return pathTokens;
    }

    /** This receiver's name among several: the host name unless set. */
    public String nodeName() {
        return nodeName;
    }

    /** How long an undeploy first answers {@code /health} DRAINING while it still records callbacks. */
    public Duration drain() {
        return drain;
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

        /** Every parameter in the table's order, so that the problems come in that order too. */
        Map<String, Object> readAll() {
            Map<String, Object> values = new HashMap<>();
            for (Parameter parameter : Parameter.ALL) {
                values.put(parameter.name(), read(parameter));
            }
            return values;
        }

        /**
         * The parameter's value; when it is at fault, its default value, so that checks
         * across parameters still have one to compare.
         */
        private Object read(Parameter parameter) {
            Default byDefault = parameter.byDefault();
            try {
                String text = raw(parameter);
                if (text != null) {
                    return parameter.parser().parse(text);
                }
                if (byDefault.value() != null) {
                    setDefault(parameter.name(), byDefault.value());
                    return parameter.parser().parse(byDefault.value());
                }
                Object value = byDefault.unset().apply(systemProperties);
                setDefault(parameter.name(), value != null ? value : byDefault.shown());
                return value;
            } catch (IllegalArgumentException e) {
                problem(parameter.name(), e.getMessage());
                return byDefault.value() == null ? null : parameter.parser().parse(byDefault.value());
            }
        }

        /** The raw value, or null for the default; records where it came from ({@code ***} for a secret). */
        private String raw(Parameter parameter) {
            String name = parameter.name();
            String value = systemProperties.apply(name);
            String source = "system property";
            if (value == null) {
                value = contextParams.apply(name);
                source = "context parameter";
            }
            if (value == null) {
                return null;
            }
            effective.put(name, (parameter.parser().secret() ? "***" : value.trim()) + " (" + source + ")");
            return value.trim();
        }

        private void setDefault(String name, Object value) {
            effective.put(name, value + " (default)");
        }

        private void problem(String name, String message) {
            problems.add(name + ": " + message);
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
                    : " (known: " + String.join(", ", NAMES) + ")";
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
        for (String known : NAMES) {
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
}
