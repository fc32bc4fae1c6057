package org.openimarchive.receiver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.stats.Statistics;

class ReceiverMetricsTest {

    @TempDir
    Path dir;

    /** Messages by the {@code content_type} label, as a scrape shows them. */
    private static Map<String, Double> messages(ReceiverMetrics metrics) {
        CounterSnapshot counter = (CounterSnapshot) metrics.registry().scrape(name -> name.equals("openim_callback_messages"))
                .get(0);
        Map<String, Double> byType = new TreeMap<>();
        for (CounterDataPointSnapshot point : counter.getDataPoints()) {
            byType.put(point.getLabels().get("content_type"), point.getValue());
        }
        return byType;
    }

    @Test
    void contentTypesPastTheLimitShareOther() {
        ReceiverMetrics metrics = new ReceiverMetrics("node", () -> true, () -> Statistics.Progress.COMPLETE, dir);
        for (int type = 0; type < ReceiverMetrics.MAX_CONTENT_TYPES + 2; type++) {
            metrics.message(type, false);
        }
        metrics.message(101, false);
        metrics.message(101, true);
        metrics.message(ReceiverMetrics.MAX_CONTENT_TYPES + 5, false);

        Map<String, Double> byType = messages(metrics);
        assertEquals(ReceiverMetrics.MAX_CONTENT_TYPES + 1, byType.size());
        assertEquals(2.0, byType.get("101"), "a duplicate is not counted");
        assertEquals(1.0, byType.get("0"));
        assertEquals(3.0, byType.get("other"));
    }
}
