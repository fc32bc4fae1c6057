package org.openimarchive.receiver.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one time format of the audit records and the statistics: an instant in UTC to the
 * millisecond, {@code 2026-11-26T15:19:25.130Z}.
 */
public final class Timestamps {

    /** Formats an instant as the records and {@code /stats} write it. */
    public static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /**
     * Reads a time written by {@link #FORMAT} digit by digit ({@link Instant#parse} costs as
     * much as the rest of a record); anything else is left to {@link Instant#parse}.
     *
     * @throws DateTimeException when {@code s} is no instant
     */
    public static Instant parse(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return Instant.parse(s);
        }
        long epochDay = LocalDate.of(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)).toEpochDay();
        long seconds = epochDay * 86_400 + digits(s, 11, 2) * 3600L + digits(s, 14, 2) * 60L + digits(s, 17, 2);
        return Instant.ofEpochSecond(seconds, digits(s, 20, 3) * 1_000_000L);
    }

    private static int digits(String s, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeParseException("not a record time", s, i);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
