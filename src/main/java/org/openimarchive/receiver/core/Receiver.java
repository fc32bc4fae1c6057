package org.openimarchive.receiver.core;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Clock;
import java.util.Map;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditChainWriter;
import org.openimarchive.receiver.audit.AuditDirectoryLock;
import org.openimarchive.receiver.audit.AuditHealth;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLineWriter;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.metrics.ReceiverMetrics;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.Statistics;

/**
 * A running receiver, without HTTP: what the web application's filters and servlets (and
 * the benchmarks) share for the life of a deployment. {@link #start} builds it from a
 * {@link ReceiverConfig}: it locks the audit directory, counts the existing audit files
 * into the statistics, picks up the hash chain where they end, and starts the audit log and
 * the metrics; {@link #stop} refuses further records and closes the audit files.
 */
public final class Receiver {

    /** The built-in log4j2 configuration, on the application's class path. */
    public static final String BUILT_IN_LOG4J_CONFIG = "/openim-receiver-log4j2.xml";

    private final ReceiverConfig config;
    private final CallbackParser parser;
    private final AuditLineWriter lines;
    private final AuditDirectoryLock directoryLock;
    private final Recorder recorder;
    private final Statistics statistics;
    private final ReceiverMetrics metrics;
    private final AuditHealth health;
    private final Clock clock;
    private final String location;

    private Receiver(String location, ReceiverConfig config, AuditLineWriter lines, AuditDirectoryLock directoryLock, Recorder recorder,
                     Statistics statistics, ReceiverMetrics metrics, AuditHealth health, Clock clock) {
        this.config = config;
        this.parser = new CallbackParser();
        this.lines = lines;
        this.directoryLock = directoryLock;
        this.recorder = recorder;
        this.statistics = statistics;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        this.location = location;
    }

    /**
     * Starts a receiver.
     *
     * @param location where it serves, for its log lines (a context path)
     * @param clock    the time of records and statistics
     * @throws IllegalStateException when the audit directory is in use or cannot be read, or
     *                               the log4j2 configuration could lose audit records
     */
    public static Receiver start(ReceiverConfig config, String location, Clock clock) {
        AuditDirectoryLock lock = AuditDirectoryLock.acquire(config.auditDir());
        try {
            return start(config, location, clock, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Receiver start(ReceiverConfig config, String location, Clock clock, AuditDirectoryLock lock) {
        // count what the audit files hold before anything is added to them
        Statistics statistics = new Statistics(config.statsTimeZone(), config.statsDays(), clock);
        long replayStart = System.nanoTime();
        AuditReplay.Result replayed;
        try {
            replayed = new AuditReplay().replay(config.auditDir(), statistics);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the audit directory " + config.auditDir() + ": " + e.getMessage(), e);
        }
        long replayMillis = (System.nanoTime() - replayStart) / 1_000_000;

        // one logger context per deployment
        AuditLineWriter lines = AuditLineWriter.start("openim-callback-receiver" + location, log4jConfig(config), Map.of(
                "auditDir", config.auditDir().toString(),
                "maxFileSize", Long.toString(config.auditMaxFileSize()),
                "retentionDays", Integer.toString(config.auditRetentionDays())));
        AuditHealth health = new AuditHealth(config.auditDir());
        ReceiverMetrics metrics = new ReceiverMetrics(() -> health.problem() == null);
        Logger operations = lines.operations();
        operations.info("Counted {} audit records from {} files in {} ms", replayed.records(), replayed.files(), replayMillis);
        if (replayed.skippedLines() > 0) {
            operations.info("Skipped {} audit lines that are not whole records (writes cut short, answered 503)",
                    replayed.skippedLines());
        }
        for (String unreadable : replayed.unreadable()) {
            operations.warn("Could not read an audit file to its end, statistics miss its rest: {}", unreadable);
        }
        AuditChain.Link last = replayed.lastLink();
        AuditChain chain = last == null
                ? new AuditChain(config.hmacKey(), 0, AuditChain.GENESIS)
                : new AuditChain(config.hmacKey(), last.seq(), last.hash());
        Recorder recorder = new Recorder(new AuditChainWriter(lines, chain, replayed.tornTail()),
                new AuditLineFormat(config.auditContent()), statistics);
        return new Receiver(location, config, lines, lock, recorder, statistics, metrics, health, clock);
    }

    private static URL log4jConfig(ReceiverConfig config) {
        if (config.log4jConfig() == null) {
            return Receiver.class.getResource(BUILT_IN_LOG4J_CONFIG);
        }
        try {
            return config.log4jConfig().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(ReceiverConfig.LOG4J_CONFIG + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses every later record (its request is answered 503) once the one being written is
     * done, then closes the audit files and releases the directory.
     *
     * @return the last record written, as {@code SEQ:HASH}: the head of the chain, final
     */
    public String stop() {
        String head = recorder.stop();
        // the head of the chain, for the operator to keep elsewhere: verify cannot see the newest records removed
        lines.operations().info("OpenIM callback receiver stopping at {}; audit chain head (verify --anchor): {}",
                location, head);
        lines.close();
        directoryLock.close();
        return head;
    }

    public ReceiverConfig config() {
        return config;
    }

    public CallbackParser parser() {
        return parser;
    }

    public Recorder recorder() {
        return recorder;
    }

    public Statistics statistics() {
        return statistics;
    }

    public ReceiverMetrics metrics() {
        return metrics;
    }

    public AuditHealth health() {
        return health;
    }

    public Clock clock() {
        return clock;
    }

    /** The receiver's own messages: effective configuration, refusals an operator should see. */
    public Logger operations() {
        return lines.operations();
    }
}
