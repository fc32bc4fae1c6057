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
import org.openimarchive.receiver.audit.MessageFacts;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.json.JsonText;
import org.openimarchive.receiver.json.Timestamps;

/**
 * Messages, duplicates, refusals and distinct people, in total and per calendar day for
 * the most recent days, counted from what the audit trail holds: live as records are
 * written, and again from the audit files at start-up. Memory is bounded: a fixed window of
 * recent message IDs for duplicates, and Theta sketches for distinct counts.
 * Thread-safe.
 */
public final class Statistics {

    /** How many of the most recent message IDs are remembered to recognise a duplicate. */
    public static final int DUPLICATE_WINDOW = 1 << 20;

    private final ZoneId zone;
    private final int days;
    private final Clock clock;
    private final RecentIds recent;
    private final Tally total = new Tally();
    private final TreeMap<LocalDate, Tally> byDay = new TreeMap<>();
    private final Instant createdAt;
    private final LocalDate periodFrom;
    private final LocalDate periodTo;
    private Instant since;

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

    /** True when a message with this {@code serverMsgID} was counted among the recent ones. */
    public synchronized boolean isDuplicate(String serverMsgID) {
        return recent.contains(RecentIds.hash(serverMsgID));
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
        Instant messageTime = Instant.ofEpochMilli(facts.timeMillis());
        if (!inPeriod(messageTime)) {
            return;
        }
        noteTime(receivedAt);
        // a message time past the day after receipt (a client's clock) is not given a day:
        // decided by the receipt, so that counting again later decides the same
        Tally day = messageTime.isAfter(receivedAt.plus(Duration.ofDays(1))) ? null : dayOf(messageTime);
        if (duplicate) {
            total.duplicate();
            if (day != null) {
                day.duplicate();
            }
            return;
        }
        long hash = RecentIds.hash(facts.serverMsgID());
        if (!recent.contains(hash)) {
            recent.add(hash);
        }
        if (facts.isNotification()) {
            total.notification();
            if (day != null) {
                day.notification();
            }
            return;
        }
        String conversation = Tally.conversation(facts);
        total.message(facts, conversation);
        if (day != null) {
            day.message(facts, conversation);
        }
    }

    /** Counts a refused request whose record was written. */
    public synchronized void countRefused(Instant receivedAt, int status) {
        for (Tally tally : talliesOf(receivedAt)) {
            tally.refused(status);
        }
    }

    /** Counts another webhook whose record was written, by its command. */
    public synchronized void countPassed(Instant receivedAt, String command) {
        for (Tally tally : talliesOf(receivedAt)) {
            tally.passed(command);
        }
    }

    /** Where a request received at {@code receivedAt} is counted: the total and its day, if kept. */
    private List<Tally> talliesOf(Instant receivedAt) {
        if (!inPeriod(receivedAt)) {
            return List.of();
        }
        noteTime(receivedAt);
        Tally day = dayOf(receivedAt);
        return day == null ? List.of(total) : List.of(total, day);
    }

    /** The {@code /stats} document. */
    public synchronized String toJson() {
        Instant now = clock.instant();
        prune(today(now));
        StringBuilder out = new StringBuilder(4096);
        out.append("{\"since\":\"");
        Timestamps.FORMAT.formatTo(since != null ? since : createdAt, out);
        out.append("\",\"generatedAt\":\"");
        Timestamps.FORMAT.formatTo(now, out);
        out.append("\",\"timeZone\":");
        JsonText.appendString(out, zone.getId());
        out.append(",\"days\":").append(days)
                .append(",\"distinctCounts\":{\"exactUpTo\":").append(DistinctCount.NOMINAL_ENTRIES)
                .append(",\"relativeStandardError\":").append(DistinctCount.RELATIVE_STANDARD_ERROR)
                .append(",\"boundsConfidence\":0.95}")
                .append(",\"duplicateWindow\":").append(recent.capacity())
                .append(",\"total\":");
        total.appendJson(out);
        out.append(",\"byDay\":{");
        boolean first = true;
        for (Map.Entry<LocalDate, Tally> e : byDay.entrySet()) {
            out.append(first ? "\"" : ",\"").append(e.getKey()).append("\":");
            e.getValue().appendJson(out);
            first = false;
        }
        return out.append("}}").toString();
    }

    private boolean inPeriod(Instant time) {
        if (periodFrom == null) {
            return true;
        }
        LocalDate day = time.atZone(zone).toLocalDate();
        return !day.isBefore(periodFrom) && !day.isAfter(periodTo);
    }

    private void noteTime(Instant time) {
        if (since == null || time.isBefore(since)) {
            since = time;
        }
    }

    /** The tally of the day {@code time} falls on, or null when that day is not kept. */
    private Tally dayOf(Instant time) {
        LocalDate today = today(clock.instant());
        LocalDate day = time.atZone(zone).toLocalDate();
        if (day.isBefore(today.minusDays(days - 1L))) {
            return null;
        }
        Tally tally = byDay.get(day);
        if (tally == null) {
            prune(today);
            tally = new Tally();
            byDay.put(day, tally);
        }
        return tally;
    }

    private LocalDate today(Instant now) {
        return now.atZone(zone).toLocalDate();
    }

    private void prune(LocalDate today) {
        byDay.headMap(today.minusDays(days - 1L)).clear();
    }
}
