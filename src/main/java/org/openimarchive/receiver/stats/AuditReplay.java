package org.openimarchive.receiver.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.openimarchive.receiver.audit.AuditFileIdentity;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;

/**
 * Counts audit files into {@link Statistics}, one {@link Segment} per file, oldest first:
 * from a rolled file's {@link FileSummary} when it is valid, else by reading the file
 * through {@link AuditReader} (and, when asked, writing the summary it lacked). Lines that
 * are not whole records (the remains of a write a full disk cut short), and records that say
 * nothing countable, are skipped and counted.
 */
public final class AuditReplay {

    /**
     * What a replay did.
     *
     * @param records    the records counted from files read (not those of summaries)
     * @param summaries  the files counted from their summaries
     * @param unreadable files that could not be read to their end (a damaged .gz), with the reason
     */
    public record Result(int files, long records, long skippedLines, List<String> unreadable, int summaries) {
    }

    private final boolean useSummaries;
    private final boolean writeSummaries;

    /**
     * @param useSummaries   count a rolled file from its summary when it has a valid one (never
     *                       when the statistics cover a period)
     * @param writeSummaries write the summary a rolled file read again lacked
     */
    public AuditReplay(boolean useSummaries, boolean writeSummaries) {
        this.useSummaries = useSummaries;
        this.writeSummaries = writeSummaries;
    }

    /** Reads every file, without summaries: what the audit tool's summary does with {@code --from}. */
    public AuditReplay() {
        this(false, false);
    }

    /** Counts every file of {@code dir}, the active one last, and marks the statistics complete. */
    public Result replay(Path dir, Statistics statistics) throws IOException {
        List<Path> files = AuditFiles.inOrder(dir);
        Result result = replay(files, null, statistics, () -> false);
        statistics.rebuilt();
        return result;
    }

    /**
     * Counts {@code files} (an audit directory's, in order), telling {@code statistics} how far
     * it has come, until done or {@code stop} says so.
     *
     * @param following the file written after the last of them, or null
     */
    public Result replay(List<Path> files, Path following, Statistics statistics, BooleanSupplier stop) {
        long bytesToDo = 0;
        for (Path file : files) {
            bytesToDo += sizeOf(file);
        }
        long records = 0;
        long skipped = 0;
        int summaries = 0;
        List<String> unreadable = new ArrayList<>();
        statistics.rebuilding(new Statistics.Progress(false, files.size(), files.size(), 0, bytesToDo));
        for (int i = 0; i < files.size() && !stop.getAsBoolean(); i++) {
            boolean rolled = !files.get(i).getFileName().toString().equals(AuditFiles.ACTIVE);
            Path file = rolled ? AuditFiles.current(files.get(i)) : files.get(i);
            if (file == null) {
                // removed by retention since it was listed: no longer part of what is counted
                statistics.rebuilding(new Statistics.Progress(false, files.size(), files.size() - i - 1, records, bytesToDo));
                continue;
            }
            FileSummary summary = useSummaries && rolled && !statistics.isPeriod()
                    ? FileSummary.readValid(file, statistics.zone()) : null;
            if (summary != null) {
                statistics.addRolled(summary.segment());
                summaries++;
            } else {
                Path next = i + 1 < files.size() ? files.get(i + 1) : following;
                Counted counted = count(file, next, statistics, stop);
                if (counted == null) {
                    break; // stopped
                }
                records += counted.segment().records();
                skipped += counted.skipped();
                if (counted.unreadable() != null) {
                    unreadable.add(counted.unreadable());
                } else if (writeSummaries && rolled) {
                    writeSummary(file, new FileSummary(counted.identity(), statistics.zone(), counted.segment()));
                }
                statistics.addRolled(counted.segment());
            }
            bytesToDo -= sizeOf(files.get(i));
            statistics.rebuilding(new Statistics.Progress(false, files.size(), files.size() - i - 1, records, bytesToDo));
        }
        return new Result(files.size(), records, skipped, List.copyOf(unreadable), summaries);
    }

    /**
     * What counting several nodes' directories as one did.
     *
     * @param records         the records counted
     * @param acrossNodes     accepted callbacks counted as duplicates because another node recorded
     *                        their serverMsgID first (their own node's record does not say so)
     */
    public record NodesResult(long records, long skippedLines, List<String> unreadable, long acrossNodes) {
    }

    /**
     * Counts several nodes' audit directories as one node holding all their records would
     * have: every record read (no summaries), the directories merged in the order of their
     * records' receipt ({@code time}; each directory's records are in order), a message
     * counted as a duplicate when its node marked it so or when its {@code serverMsgID} is
     * among the last {@link Statistics#DUPLICATE_WINDOW} messages counted from any node.
     *
     * @param acrossNodes told of each record counted as a duplicate across nodes
     */
    public static NodesResult replayNodes(List<Path> dirs, Statistics statistics, LongConsumer progress,
                                          Consumer<AuditRecord> acrossNodes) throws IOException {
        record Head(AuditRecord record, AuditReader reader) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.record().time().compareTo(b.record().time()));
        List<AuditReader> readers = new ArrayList<>();
        long[] lines = {0};
        long records = 0;
        long skipped = 0;
        long across = 0;
        List<String> unreadable = new ArrayList<>();
        try {
            for (Path dir : dirs) {
                long[] before = {0};
                AuditReader reader = AuditReader.open(dir, read -> {
                    lines[0] += read - before[0];
                    before[0] = read;
                    progress.accept(lines[0]);
                });
                readers.add(reader);
                skipped += advance(reader, heads, unreadable, Head::new);
            }
            for (Head head; (head = heads.poll()) != null; ) {
                AuditRecord record = head.record();
                records++;
                if (record.outcome() == AuditRecord.Outcome.ACCEPTED && !record.duplicate()
                        && statistics.isDuplicate(record.msg().serverMsgID())) {
                    across++;
                    acrossNodes.accept(record);
                    statistics.countAccepted(record.time(), record.msg(), true);
                } else {
                    statistics.countAsWritten(record);
                }
                skipped += advance(head.reader(), heads, unreadable, Head::new);
            }
        } finally {
            readers.forEach(AuditReader::close);
        }
        return new NodesResult(records, skipped, List.copyOf(unreadable), across);
    }

    /**
     * Puts the reader's next countable record among the heads; returns the lines skipped on
     * the way (torn lines, records that count nothing).
     */
    private static <H> long advance(AuditReader reader, PriorityQueue<H> heads, List<String> unreadable,
                                    java.util.function.BiFunction<AuditRecord, AuditReader, H> head) {
        long skipped = 0;
        for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
            if (entry instanceof AuditRecord record) {
                if (record.counts()) {
                    heads.add(head.apply(record, reader));
                    return skipped;
                }
                if (!record.superseded()) {
                    skipped++;
                }
            } else if (entry instanceof AuditReader.TornLine) {
                skipped++;
            } else if (entry instanceof AuditReader.UnreadableFile file) {
                unreadable.add(file.file() + ": " + file.reason());
            }
        }
        return skipped;
    }

    /** What reading one file gave: its segment, the identity of what was read, or why not all of it. */
    private record Counted(Segment segment, AuditFileIdentity identity, long skipped, String unreadable) {
    }

    /** Reads one file into a segment of its own; null when stopped before its end. */
    private static Counted count(Path file, Path following, Statistics statistics, BooleanSupplier stop) {
        Segment segment = new Segment();
        AuditFileIdentity.Builder identity = new AuditFileIdentity.Builder();
        long skipped = 0;
        long entries = 0;
        try (AuditReader reader = AuditReader.open(List.of(file), following, lines -> { })) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                if ((++entries & 0xFFF) == 0 && stop.getAsBoolean()) {
                    return null;
                }
                if (entry instanceof AuditRecord record) {
                    identity.record(record.link());
                    if (record.counts()) {
                        statistics.count(segment, record);
                    } else if (!record.superseded()) {
                        skipped++;
                    }
                } else if (entry instanceof AuditReader.TornLine) {
                    skipped++;
                } else if (entry instanceof AuditReader.UnreadableFile unreadable) {
                    // what was read of it is counted; the rest cannot be
                    return new Counted(segment, null, skipped, unreadable.file() + ": " + unreadable.reason());
                } else if (entry instanceof AuditReader.EndOfFile end) {
                    return new Counted(segment, identity.build(end.bytes(), end.crc32()), skipped, null);
                }
            }
        }
        return new Counted(segment, identity.build(), skipped, null);
    }

    /** A summary that cannot be written is no loss: the file is read again at the next start. */
    private static void writeSummary(Path rolled, FileSummary summary) {
        try {
            summary.writeBeside(rolled);
        } catch (IOException e) {
            // counted all the same
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
