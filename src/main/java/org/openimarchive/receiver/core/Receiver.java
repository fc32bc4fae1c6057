package org.openimarchive.receiver.core;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditChainWriter;
import org.openimarchive.receiver.audit.AuditDirectoryLock;
import org.openimarchive.receiver.audit.AuditDirectoryUsage;
import org.openimarchive.receiver.audit.AuditFileIdentity;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditHealth;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLineWriter;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.metrics.ReceiverMetrics;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.FileSummary;
import org.openimarchive.receiver.stats.Segment;
import org.openimarchive.receiver.stats.Statistics;

/**
 * A running receiver, without HTTP: what the web application's filters and servlets (and
 * the benchmarks) share for the life of a deployment. {@link #start} builds it from a
 * {@link ReceiverConfig}: it locks the audit directory, picks up the hash chain where the
 * newest file ends, starts the audit log (rolling a non-empty active file, so that this
 * start's records begin a file of their own) and the metrics, and counts the files that were
 * there in the background ({@link StartupCount}); {@link #stop} ends that count, refuses
 * further records and closes the audit files. A request is served from the first moment,
 * whatever the archive holds.
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
    private final StartupCount startupCount;
    /** Set when the deployment is going away: {@code /health} says DRAINING while callbacks are still recorded. */
    private volatile boolean draining;

    private Receiver(String location, ReceiverConfig config, AuditLineWriter lines, AuditDirectoryLock directoryLock, Recorder recorder,
                     Statistics statistics, ReceiverMetrics metrics, AuditHealth health, Clock clock, StartupCount startupCount) {
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
        this.startupCount = startupCount;
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
        Path dir = config.auditDir();
        Statistics statistics = new Statistics(config.statsTimeZone(), config.statsDays(), clock);
        statistics.nodes(List.of(config.nodeName()));
        try {
            AuditFiles.writeNode(dir, config.nodeName());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + dir.resolve(AuditFiles.NODE) + ": " + e.getMessage(), e);
        }
        // all the start reads of the archive: the end of its newest file, for the chain's head
        Path active = dir.resolve(AuditFiles.ACTIVE);
        AuditChain.Link head;
        boolean tornTail;
        try {
            tornTail = AuditFiles.endsTorn(active);
            head = chainHead(active, AuditFiles.rolled(dir), statistics);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the audit directory " + dir + ": " + e.getMessage(), e);
        }

        // one logger context per deployment
        AuditLineWriter lines = AuditLineWriter.start("openim-callback-receiver" + location, log4jConfig(config), Map.of(
                "auditDir", dir.toString(),
                "maxFileSize", Long.toString(config.auditMaxFileSize()),
                "retentionDays", Integer.toString(config.auditRetentionDays())), config.auditSync());
        try {
            // the records of this start begin a file of their own, counted live; what was there
            // before is counted in the background, file by file
            lines.rollNonEmptyFile();
            List<Path> earlier = AuditFiles.inOrder(dir);
            earlier.remove(active);
            if (Files.isRegularFile(active) && Files.size(active) > 0) {
                // not rolled (an operator's configuration without a rolling appender, or a roll
                // log4j could not make): the active file keeps growing, so what it holds is
                // counted before anything is added to it
                new AuditReplay().replay(List.of(active), null, statistics, () -> false);
            }
            AuditChain chain = head == null
                    ? new AuditChain(config.hmacKey(), 0, AuditChain.GENESIS)
                    : new AuditChain(config.hmacKey(), head.seq(), head.hash());
            AuditChainWriter chainWriter = new AuditChainWriter(lines, chain, tornTail);
            Recorder recorder = new Recorder(chainWriter, new AuditLineFormat(config.auditContent()), statistics);
            AuditHealth health = new AuditHealth(dir);
            ReceiverMetrics metrics = new ReceiverMetrics(config.nodeName(), () -> health.problem() == null,
                    statistics::progress, dir);
            Receiver receiver = new Receiver(location, config, lines, lock, recorder, statistics, metrics, health, clock,
                    new StartupCount(earlier, active, statistics, lines.operations()));
            lines.onRollover(() -> receiver.rolled(chainWriter));
            receiver.startupCount.start();
            return receiver;
        } catch (IOException | RuntimeException e) {
            lines.close();
            throw e instanceof IOException io
                    ? new IllegalStateException("cannot list the audit directory " + dir + ": " + io.getMessage(), io)
                    : (RuntimeException) e;
        }
    }

    /**
     * The last link of the chain: of the last whole record of the active file, read from its
     * end, else of the newest rolled file that holds a record (from its summary, or read);
     * null for an archive without records, or one whose last record was written before the
     * chain existed (the chain then starts anew).
     */
    private static AuditChain.Link chainHead(Path active, List<Path> rolled, Statistics statistics) throws IOException {
        if (Files.isRegularFile(active) && Files.size(active) > 0) {
            AuditRecord last = AuditFiles.lastRecord(active);
            if (last != null) {
                return last.link();
            }
        }
        for (int i = rolled.size() - 1; i >= 0; i--) {
            Path file = AuditFiles.current(rolled.get(i));
            if (file == null) {
                continue;
            }
            FileSummary summary = FileSummary.readValid(file, statistics.zone());
            if (summary != null && summary.identity().lastSeq() > 0) {
                return new AuditChain.Link(null, summary.identity().lastSeq(), summary.identity().lastHash());
            }
            if (summary != null && summary.segment().records() > 0) {
                return null; // records from before the chain
            }
            AuditRecord last = file.getFileName().toString().endsWith(".gz") ? lastRecordRead(file) : AuditFiles.lastRecord(file);
            if (last != null) {
                return last.link();
            }
        }
        return null;
    }

    /** The last whole record of a compressed file, read whole: only when it has no valid summary. */
    private static AuditRecord lastRecordRead(Path file) {
        AuditRecord last = null;
        try (AuditReader reader = AuditReader.open(List.of(file), null, lines -> { })) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                if (entry instanceof AuditRecord record) {
                    last = record;
                }
            }
        }
        return last;
    }

    /**
     * The active file has just rolled, in the thread writing the record that made it roll:
     * its segment of the statistics ends, and is kept beside the rolled file as its summary,
     * so that no later start has to read the file again.
     */
    private void rolled(AuditChainWriter chainWriter) {
        AuditFileIdentity identity = chainWriter.rollIdentity();
        Segment segment = statistics.rollSegment();
        try {
            // the newest rolled file, plain or compressed by now; a summary is checked against its
            // file whenever it is used, so one that does not fit (a roll that failed) is never used
            List<Path> rolledFiles = AuditFiles.rolled(config.auditDir());
            Path file = rolledFiles.isEmpty() ? null : rolledFiles.get(rolledFiles.size() - 1);
            if (file != null && !Files.exists(AuditFiles.summaryOf(file))) {
                new FileSummary(identity, statistics.zone(), segment).writeBeside(file);
            } else {
                operations().warn("No new rolled audit file after a roll (the newest is {}); the next start counts"
                        + " the records of the last file again", file);
            }
        } catch (IOException e) {
            operations().warn("Could not write the summary of the rolled audit file; the next start counts it again: {}",
                    e.getMessage());
        }
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
        startupCount.stop();
        String head = recorder.stop();
        // the head of the chain, for the operator to keep elsewhere: verify cannot see the newest records removed
        lines.operations().info("OpenIM callback receiver stopping at {}; audit chain head (verify --anchor): {}",
                location, head);
        lines.close();
        directoryLock.close();
        return head;
    }

    /**
     * The deployment is going away: from now on {@code /health} answers DRAINING, so that a
     * load balancer takes this node out of rotation, while callbacks are recorded as ever
     * until {@link #stop}.
     */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
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

    /** The audit directory's files, bytes and free room, measured now. */
    public AuditDirectoryUsage auditUsage() {
        return AuditDirectoryUsage.of(config.auditDir());
    }

    public Clock clock() {
        return clock;
    }

    /** The receiver's own messages: effective configuration, refusals an operator should see. */
    public Logger operations() {
        return lines.operations();
    }
}
