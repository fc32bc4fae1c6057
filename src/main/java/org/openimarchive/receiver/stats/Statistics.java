package org.openimarchive.receiver.stats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.audit.MessageFacts;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.json.JsonText;
import org.openimarchive.receiver.json.Timestamps;

/**
 * Messages, duplicates, refusals and distinct people, in total and per calendar day for
 * the most recent days, counted from what the audit trail holds: live as records are
 * written, and from the audit files when the receiver starts. Each audit file is counted as
 * a {@link Segment} of its own: the active file's live, the rolled ones from their
 * summaries or by counting them again, merged as they come in any order. Memory is bounded:
 * a fixed window of recent message IDs for duplicates, and Theta sketches for distinct
 * counts. Thread-safe.
 */
public final class Statistics {

    /** How many of the most recent message IDs are remembered to recognise a duplicate. */
    public static final int DUPLICATE_WINDOW = 1 << 20;
    /** Days before its receipt that a file's segment keeps a message's day for: the longest window. */
    static final int SEGMENT_DAYS = 366;

    private final ZoneId zone;
    private final int days;
    private final Clock clock;
    private final int duplicateWindow;
    private RecentIds recent;
    /** The duplicate window of the files counted at start-up, until they are all counted; else null. */
    private RecentIds earlier;
    /** The rolled files merged. */
    private final Tally baseTotal = new Tally();
    private final TreeMap<LocalDate, Tally> baseDays = new TreeMap<>();
    private Instant baseSince;
    /** The active file, counted live. */
    private Segment current = new Segment();
    private final Instant createdAt;
    private final LocalDate periodFrom;
    private final LocalDate periodTo;
    private Progress progress = Progress.COMPLETE;
    /** The nodes whose records these are: none for files of no named node. */
    private List<String> nodes = List.of();

    /**
     * How far counting the files that were there at start-up has come.
     *
     * @param filesToDo files not yet counted, of {@code files}
     * @param records   records counted so far from files counted again (summaries not included)
     * @param bytesToDo bytes of the files not yet counted, as they lie on disk
     */
    public record Progress(boolean complete, int files, int filesToDo, long records, long bytesToDo) {
        public static final Progress COMPLETE = new Progress(true, 0, 0, 0, 0);
    }

    /**
     * @param zone the time zone that draws the line between days
     * @param days how many recent days to keep figures for, today included
     */
    public Statistics(ZoneId zone, int days, Clock clock) {
        this(zone, days, clock, DUPLICATE_WINDOW);
    }

    Statistics(ZoneId zone, int days, Clock clock, int duplicateWindow) {
        this(zone, days, clock, duplicateWindow, null, null);
    }

    private Statistics(ZoneId zone, int days, Clock clock, int duplicateWindow, LocalDate periodFrom, LocalDate periodTo) {
        this.zone = zone;
        this.days = days;
        this.clock = clock;
        this.duplicateWindow = duplicateWindow;
        this.recent = new RecentIds(duplicateWindow);
        this.createdAt = clock.instant();
        this.periodFrom = periodFrom;
        this.periodTo = periodTo;
    }

    /**
     * Statistics of the days {@code from} to {@code to} only, as {@code /stats} shows them on
     * the last of those days: records of other days are not counted at all.
     */
    public static Statistics forPeriod(ZoneId zone, LocalDate from, LocalDate to) {
        Clock lastMoment = Clock.fixed(to.plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1), zone);
        int days = (int) ChronoUnit.DAYS.between(from, to) + 1;
        return new Statistics(zone, days, lastMoment, DUPLICATE_WINDOW, from, to);
    }

    /** The time zone that cuts the days: a file's summary counted in another zone does not fit. */
    public ZoneId zone() {
        return zone;
    }

    /** Whether these are the figures of a period only: a file's summary does not fit them. */
    public boolean isPeriod() {
        return periodFrom != null;
    }

    /** True when a message with this {@code serverMsgID} was counted among the recent ones. */
    public synchronized boolean isDuplicate(String serverMsgID) {
        long hash = RecentIds.hash(serverMsgID);
        return recent.contains(hash) || (earlier != null && earlier.contains(hash));
    }

    /**
     * Counts an accepted callback whose record was written.
     *
     * @param callback  the callback the record holds
     * @param duplicate what the record says
     */
    public void countAccepted(Instant receivedAt, MsgCallback callback, boolean duplicate) {
        countAccepted(receivedAt, MessageFacts.of(callback), duplicate);
    }

    /**
     * Counts an accepted message whose record was written, as its record says it.
     *
     * @param duplicate what the record says
     */
    public synchronized void countAccepted(Instant receivedAt, MessageFacts facts, boolean duplicate) {
        long added = count(current, receivedAt, facts, duplicate);
        if (added != 0 && !recent.contains(added)) {
            recent.add(added);
        }
    }

    /** Counts a refused request whose record was written. */
    public synchronized void countRefused(Instant receivedAt, int status) {
        for (Tally tally : talliesOf(current, receivedAt)) {
            tally.refused(status);
        }
    }

    /** Counts another webhook whose record was written, by its command. */
    public synchronized void countPassed(Instant receivedAt, String command) {
        for (Tally tally : talliesOf(current, receivedAt)) {
            tally.passed(command);
        }
    }

    /**
     * Counts a record read back from an audit file into {@code segment}, as it was counted
     * when written; nothing else changes. Reading a file again counts nothing twice: the
     * segment is merged once, by {@link #addRolled}.
     */
    public void count(Segment segment, AuditRecord record) {
        switch (record.outcome()) {
            case ACCEPTED -> count(segment, record.time(), record.msg(), record.duplicate());
            case REJECTED -> talliesOf(segment, record.time()).forEach(t -> t.refused(record.status()));
            case PASSED -> talliesOf(segment, record.time()).forEach(t -> t.passed(record.command()));
        }
    }

    /**
     * Counts a record read back as if it were being written now, with the duplicate window:
     * what the audit tool does for several nodes' records merged in one.
     */
    public synchronized void countAsWritten(AuditRecord record) {
        switch (record.outcome()) {
            case ACCEPTED -> countAccepted(record.time(), record.msg(), record.duplicate());
            case REJECTED -> countRefused(record.time(), record.status());
            case PASSED -> countPassed(record.time(), record.command());
        }
    }

    /**
     * Counts a message into {@code segment}.
     *
     * @return the hash of its ID, to add to the duplicate window; 0 when it adds none
     */
    private long count(Segment segment, Instant receivedAt, MessageFacts facts, boolean duplicate) {
        Instant messageTime = Instant.ofEpochMilli(facts.timeMillis());
        if (!inPeriod(messageTime)) {
            return 0;
        }
        segment.counted(receivedAt);
        // a message time past the day after receipt (a client's clock) is not given a day:
        // decided by the receipt, so that counting again later decides the same
        Tally day = messageTime.isAfter(receivedAt.plus(Duration.ofDays(1))) ? null : dayOf(segment, messageTime, receivedAt);
        if (duplicate) {
            segment.total.duplicate();
            if (day != null) {
                day.duplicate();
            }
            return 0;
        }
        long hash = RecentIds.hash(facts.serverMsgID());
        segment.addedId(hash);
        if (facts.isNotification()) {
            segment.total.notification();
            if (day != null) {
                day.notification();
            }
            return hash;
        }
        String conversation = Tally.conversation(facts);
        segment.total.message(facts, conversation);
        if (day != null) {
            day.message(facts, conversation);
        }
        return hash;
    }

    /** Where a request received at {@code receivedAt} is counted: the segment's total and its day, if kept. */
    private List<Tally> talliesOf(Segment segment, Instant receivedAt) {
        if (!inPeriod(receivedAt)) {
            return List.of();
        }
        segment.counted(receivedAt);
        Tally day = dayOf(segment, receivedAt, receivedAt);
        return day == null ? List.of(segment.total) : List.of(segment.total, day);
    }

    /**
     * The segment's tally of the day {@code time} falls on, or null when no window can show that
     * day; the caller has checked that {@code time} is in the period.
     */
    private Tally dayOf(Segment segment, Instant time, Instant receivedAt) {
        LocalDate day = time.atZone(zone).toLocalDate();
        LocalDate receiptDay = receivedAt.atZone(zone).toLocalDate();
        if (day.isBefore(receiptDay.minusDays(SEGMENT_DAYS - 1L))) {
            return null;
        }
        return segment.day(day);
    }

    /**
     * Ends the active file's segment, as the file rolls: it is merged with the rolled files,
     * and later records count in a new one.
     *
     * @return the segment ended, for the rolled file's summary
     */
    public synchronized Segment rollSegment() {
        Segment ended = current;
        current = new Segment();
        mergeIntoBase(ended);
        return ended;
    }

    /**
     * Merges the segment of a rolled file that was there before this receiver started: from
     * its summary, or counted again. Its message IDs go to the duplicate window of such files,
     * which joins the live one once {@link #rebuilt} is called.
     */
    public synchronized void addRolled(Segment segment) {
        mergeIntoBase(segment);
        if (earlier == null) {
            earlier = new RecentIds(duplicateWindow);
        }
        for (long hash : segment.addedIds()) {
            if (!earlier.contains(hash)) {
                earlier.add(hash);
            }
        }
    }

    private void mergeIntoBase(Segment segment) {
        baseTotal.merge(segment.total);
        LocalDate oldestKept = today(clock.instant()).minusDays(days - 1L);
        for (Map.Entry<LocalDate, Tally> e : segment.days.entrySet()) {
            if (!e.getKey().isBefore(oldestKept)) {
                baseDays.computeIfAbsent(e.getKey(), d -> new Tally()).merge(e.getValue());
            }
        }
        if (segment.since != null && (baseSince == null || segment.since.isBefore(baseSince))) {
            baseSince = segment.since;
        }
    }

    /** Notes how far counting the files there at start-up has come; {@code /stats} shows it. */
    public synchronized void rebuilding(Progress progress) {
        this.progress = progress;
    }

    /**
     * Every file there at start-up is counted: the duplicate window of those files and the
     * live one become one, the older IDs first.
     */
    public synchronized void rebuilt() {
        if (earlier != null) {
            RecentIds joined = earlier;
            recent.forEachOldestFirst(hash -> {
                if (!joined.contains(hash)) {
                    joined.add(hash);
                }
            });
            recent = joined;
            earlier = null;
        }
        progress = Progress.COMPLETE;
    }

    /**
     * Names the nodes whose records these are: {@code /stats} shows {@code "node"} for one,
     * the audit tool's summary of several directories {@code "nodes"}.
     */
    public synchronized void nodes(List<String> names) {
        this.nodes = List.copyOf(names);
    }

    /** How far counting the files there at start-up has come. */
    public synchronized Progress progress() {
        return progress;
    }

    /** The {@code /stats} document. */
    public synchronized String toJson() {
        Instant now = clock.instant();
        LocalDate oldestKept = today(now).minusDays(days - 1L);
        baseDays.headMap(oldestKept).clear();
        Instant since = baseSince;
        if (current.since != null && (since == null || current.since.isBefore(since))) {
            since = current.since;
        }
        StringBuilder out = new StringBuilder(4096);
        out.append('{');
        if (nodes.size() == 1) {
            out.append("\"node\":");
            JsonText.appendString(out, nodes.get(0));
            out.append(',');
        } else if (!nodes.isEmpty()) {
            out.append("\"nodes\":[");
            for (int i = 0; i < nodes.size(); i++) {
                JsonText.appendString(out.append(i == 0 ? "" : ","), nodes.get(i));
            }
            out.append("],");
        }
        out.append("\"since\":\"");
        Timestamps.FORMAT.formatTo(since != null ? since : createdAt, out);
        out.append("\",\"generatedAt\":\"");
        Timestamps.FORMAT.formatTo(now, out);
        out.append("\",\"complete\":").append(progress.complete());
        if (!progress.complete()) {
            out.append(",\"progress\":{\"files\":").append(progress.files())
                    .append(",\"filesToDo\":").append(progress.filesToDo())
                    .append(",\"recordsCounted\":").append(progress.records())
                    .append(",\"bytesToDo\":").append(progress.bytesToDo()).append('}');
        }
        out.append(",\"timeZone\":");
        JsonText.appendString(out, zone.getId());
        out.append(",\"days\":").append(days)
                .append(",\"distinctCounts\":{\"exactUpTo\":").append(DistinctCount.NOMINAL_ENTRIES)
                .append(",\"relativeStandardError\":").append(DistinctCount.RELATIVE_STANDARD_ERROR)
                .append(",\"boundsConfidence\":0.95}")
                .append(",\"duplicateWindow\":").append(recent.capacity())
                .append(",\"total\":");
        joined(baseTotal, current.total).appendJson(out);
        out.append(",\"byDay\":{");
        TreeSet<LocalDate> shown = new TreeSet<>(baseDays.keySet());
        shown.addAll(current.days.tailMap(oldestKept).keySet());
        boolean first = true;
        for (LocalDate day : shown) {
            out.append(first ? "\"" : ",\"").append(day).append("\":");
            joined(baseDays.get(day), current.days.get(day)).appendJson(out);
            first = false;
        }
        return out.append("}}").toString();
    }

    /** A new tally of {@code a} and {@code b}, either of which may be null. */
    private static Tally joined(Tally a, Tally b) {
        Tally joined = new Tally();
        if (a != null) {
            joined.merge(a);
        }
        if (b != null) {
            joined.merge(b);
        }
        return joined;
    }

    private boolean inPeriod(Instant time) {
        if (periodFrom == null) {
            return true;
        }
        LocalDate day = time.atZone(zone).toLocalDate();
        return !day.isBefore(periodFrom) && !day.isAfter(periodTo);
    }

    private LocalDate today(Instant now) {
        return now.atZone(zone).toLocalDate();
    }
}
