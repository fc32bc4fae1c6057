package org.openimarchive.receiver.stats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;

/**
 * Counts the records of an audit directory into {@link Statistics}, oldest file first,
 * through {@link AuditReader}. Lines that are not whole records (the remains of a write a
 * full disk cut short), and records that say nothing countable, are skipped and counted.
 */
public final class AuditReplay {

    /**
     * What a replay read.
     *
     * @param unreadable files that could not be read to their end (a damaged .gz), with the reason
     * @param lastLink   the last record's link of the hash chain, or null when no record is sealed
     * @param tornTail   whether the active file ends in part of a line (a write cut short by a crash)
     */
    public record Result(int files, long records, long skippedLines, List<String> unreadable,
                         AuditChain.Link lastLink, boolean tornTail) {
    }

    /** Replays every audit file of {@code dir} into {@code statistics}. */
    public Result replay(Path dir, Statistics statistics) throws IOException {
        long records = 0;
        long skipped = 0;
        List<String> unreadable = new ArrayList<>();
        AuditRecord last = null;
        try (AuditReader reader = AuditReader.open(dir, lines -> { })) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                if (entry instanceof AuditRecord record) {
                    if (record.counts()) {
                        count(record, statistics);
                        records++;
                        last = record;
                    } else if (!record.superseded()) {
                        skipped++;
                    }
                } else if (entry instanceof AuditReader.UnreadableFile file) {
                    // what was read of it is counted; the rest cannot be
                    unreadable.add(file.file() + ": " + file.reason());
                } else {
                    skipped++;
                }
            }
            return new Result(reader.files(), records, skipped, List.copyOf(unreadable),
                    last == null ? null : last.link(), AuditFiles.endsTorn(dir.resolve(AuditFiles.ACTIVE)));
        }
    }

    private static void count(AuditRecord record, Statistics statistics) {
        switch (record.outcome()) {
            case ACCEPTED -> statistics.countAccepted(record.time(), record.msg(), record.duplicate());
            case REJECTED -> statistics.countRefused(record.time(), record.status());
            case PASSED -> statistics.countPassed(record.time(), record.command());
        }
    }
}
