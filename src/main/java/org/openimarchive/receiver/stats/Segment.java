package org.openimarchive.receiver.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the statistics count of one audit file: its total, its days (every day it counts,
 * whatever the window of {@code /stats}), the earliest receipt, and the message IDs it
 * added to the duplicate window, in order. Counting a file again gives the same segment, so
 * a segment saved when its file rolled ({@link FileSummary}) stands for the file.
 */
public final class Segment {

    Tally total = new Tally();
    final TreeMap<LocalDate, Tally> days = new TreeMap<>();
    /** The earliest receipt counted, or null. */
    Instant since;
    private long records;
    /** The newest message IDs added, at most the duplicate window's worth: older ones could not stay in it. */
    private long[] addedIds = new long[64];
    private int addedCount;
    /** Where the oldest ID is, once the array is full and wraps around. */
    private int addedStart;

    /** The records counted. */
    public long records() {
        return records;
    }

    void counted(Instant receivedAt) {
        records++;
        if (since == null || receivedAt.isBefore(since)) {
            since = receivedAt;
        }
    }

    /** The tally of {@code day}, created when the segment has none yet. */
    Tally day(LocalDate day) {
        return days.computeIfAbsent(day, d -> new Tally());
    }

    void addedId(long hash) {
        if (addedCount == addedIds.length && addedCount < Statistics.DUPLICATE_WINDOW) {
            addedIds = Arrays.copyOf(addedIds, Math.min(addedCount * 2, Statistics.DUPLICATE_WINDOW));
        }
        if (addedCount < addedIds.length) {
            addedIds[addedCount++] = hash;
        } else {
            addedIds[addedStart] = hash;
            addedStart = (addedStart + 1) % addedIds.length;
        }
    }

    /** The message IDs this segment added to the duplicate window, oldest first: the newest ones a window holds. */
    long[] addedIds() {
        long[] ids = new long[addedCount];
        for (int i = 0; i < addedCount; i++) {
            ids[i] = addedIds[(addedStart + i) % addedIds.length];
        }
        return ids;
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(records);
        out.writeLong(since == null ? Long.MIN_VALUE : since.toEpochMilli());
        total.write(out);
        out.writeInt(days.size());
        for (Map.Entry<LocalDate, Tally> e : days.entrySet()) {
            out.writeLong(e.getKey().toEpochDay());
            e.getValue().write(out);
        }
        long[] ids = addedIds();
        out.writeInt(ids.length);
        for (long id : ids) {
            out.writeLong(id);
        }
    }

    static Segment read(DataInput in) throws IOException {
        Segment s = new Segment();
        s.records = in.readLong();
        long since = in.readLong();
        s.since = since == Long.MIN_VALUE ? null : Instant.ofEpochMilli(since);
        s.total = Tally.read(in);
        for (int i = in.readInt(); i > 0; i--) {
            s.days.put(LocalDate.ofEpochDay(in.readLong()), Tally.read(in));
        }
        int ids = in.readInt();
        if (ids < 0 || ids > Statistics.DUPLICATE_WINDOW) {
            throw new IOException("not a count of message IDs: " + ids);
        }
        s.addedIds = new long[Math.max(ids, 1)];
        for (int i = 0; i < ids; i++) {
            s.addedIds[i] = in.readLong();
        }
        s.addedCount = ids;
        return s;
    }
}
