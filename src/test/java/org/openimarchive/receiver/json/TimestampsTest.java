package org.openimarchive.receiver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void readsRecordTimesExactly() {
        for (String time : List.of("2026-11-26T15:19:25.130Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z",
                "2026-11-26T15:19:25Z", "2026-11-26T15:19:25.123456Z")) {
            assertEquals(Instant.parse(time), Timestamps.parse(time), time);
        }
        assertThrows(DateTimeParseException.class, () -> Timestamps.parse("2026-11-26T15:1x:25.130Z"));
        assertThrows(DateTimeException.class, () -> Timestamps.parse("2026-02-30T15:19:25.130Z"));
    }

    @Test
    void writesWhatItReads() {
        Instant time = Instant.parse("2026-11-26T15:19:25.130Z");
        assertEquals("2026-11-26T15:19:25.130Z", Timestamps.FORMAT.format(time));
        assertEquals(time, Timestamps.parse(Timestamps.FORMAT.format(time)));
    }
}
