package org.openimarchive.receiver.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Counts the audit files that were there when the receiver started into its statistics, on
 * a thread of its own, while callbacks are served: from their summaries where valid, else by
 * reading them (and writing the summary they lacked), beginning a moment after the start.
 * Summaries whose file is gone are removed first. {@link #stop} ends it within a moment, leaving no thread behind.
 */
final class StartupCount {

    /** How long a stop waits for the thread: it checks whether to stop every 4,096 records. */
    private static final long STOP_WAIT_SECONDS = 10;
    /**
     * How long the count waits before it begins: the container finishes its start and the
     * first callbacks are served without the count taking a CPU of this machine's two.
     */
    static final long START_DELAY_MILLIS = 2_000;

    private final List<Path> files;
    private final Path following;
    private final Statistics statistics;
    private final Logger operations;
    private final Thread thread;
    /** Before the first roll of this start: a summary's temporary file older than this is a crash's leftover. */
    private final FileTime created = FileTime.from(Instant.now());
    private volatile boolean stopping;

    /**
     * @param files     the files to count, oldest first
     * @param following the file written after them (the active file), or null
     */
    StartupCount(List<Path> files, Path following, Statistics statistics, Logger operations) {
        this.files = List.copyOf(files);
        this.following = following;
        this.statistics = statistics;
        this.operations = operations;
        this.thread = new Thread(this::run, "openim-audit-startup-count");
        this.thread.setDaemon(true);
        statistics.rebuilding(new Statistics.Progress(files.isEmpty(), files.size(), files.size(), 0, 0));
    }

    void start() {
        thread.start();
    }

    private void run() {
        long start = System.nanoTime();
        try {
            Thread.sleep(START_DELAY_MILLIS);
        } catch (InterruptedException e) {
            return; // stopped before it began
        }
        try {
            removeOrphanedSummaries();
            AuditReplay.Result result = new AuditReplay(true, true).replay(files, following, statistics, () -> stopping);
            if (stopping) {
                return;
            }
            statistics.rebuilt();
            operations.info("Counted {} audit files in {} ms: {} from their summaries, {} records read again",
                    result.files(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), result.summaries(),
                    result.records());
            if (result.skippedLines() > 0) {
                operations.info("Skipped {} audit lines that are not whole records (writes cut short, answered 503)",
                        result.skippedLines());
            }
            for (String unreadable : result.unreadable()) {
                operations.warn("Could not read an audit file to its end, statistics miss its rest: {}", unreadable);
            }
        } catch (RuntimeException e) {
            operations.error("Counting the audit files failed; /stats stays incomplete until the next start", e);
        }
    }

    /** A summary whose file retention removed (or that a crash left half written) is of no use. */
    private static boolean modifiedBefore(Path file, FileTime time) throws IOException {
        try {
            return Files.getLastModifiedTime(file).compareTo(time) < 0;
        } catch (NoSuchFileException e) {
            return false; // a roll's summary, written meanwhile
        }
    }

    private void removeOrphanedSummaries() {
        if (following == null) {
            return;
        }
        Path dir = following.getParent();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "{audit-*" + AuditFiles.SUMMARY_SUFFIX
                + ",.audit-*" + AuditFiles.SUMMARY_SUFFIX + ".tmp}")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Path rolled = entry.resolveSibling(name.substring(0, name.length() - AuditFiles.SUMMARY_SUFFIX.length()));
                if (name.startsWith(".") ? modifiedBefore(entry, created) : AuditFiles.current(rolled) == null) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException e) {
            operations.warn("Could not remove summaries of audit files that are gone: {}", e.getMessage());
        }
    }

    /** Ends the count, if it still runs, and waits for its thread. */
    void stop() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
