package org.openimarchive.receiver.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.openimarchive.receiver.audit.AuditRecord;

/**
 * The receiver's Prometheus metrics, in a registry of the deployment's own (so that a
 * redeploy starts clean): requests by outcome and status, messages by content type,
 * duplicates, handling time, audit write failures and audit health. Without exemplars and
 * native histograms: their sampling runs on a client-wide scheduler thread that would
 * outlive an undeployed WAR.
 */
public final class ReceiverMetrics {

    /** Content types given their own label value; the rest share "other". */
    static final int MAX_CONTENT_TYPES = 256;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<Integer> contentTypes = ConcurrentHashMap.newKeySet();
    private final Counter requests;
    private final Counter messages;
    private final Counter duplicates;
    private final Counter auditWriteFailures;
    private final Histogram handling;
    /** The data point of nearly every request, looked up once (the client's advice for hot paths). */
    private final CounterDataPoint acceptedOk;

    /**
     * @param auditHealthy  asked at every scrape
     * @param filesToCount  asked at every scrape: audit files there at start-up not yet counted
     */
    public ReceiverMetrics(BooleanSupplier auditHealthy, IntSupplier filesToCount) {
        requests = Counter.builder()
                .name("openim_callback_requests")
                .withoutExemplars()
                .help("Callback requests answered, by outcome (accepted, passed, rejected) and HTTP status")
                .labelNames("outcome", "status")
                .register(registry);
        messages = Counter.builder()
                .name("openim_callback_messages")
                .withoutExemplars()
                .help("Messages accepted and recorded, duplicates excluded, by OpenIM contentType")
                .labelNames("content_type")
                .register(registry);
        duplicates = Counter.builder()
                .name("openim_callback_duplicates")
                .withoutExemplars()
                .help("Callbacks accepted whose serverMsgID was already recorded")
                .register(registry);
        auditWriteFailures = Counter.builder()
                .name("openim_callback_audit_write_failures")
                .withoutExemplars()
                .help("Audit records that could not be written (each answered 503)")
                .register(registry);
        handling = Histogram.builder()
                .name("openim_callback_handling_seconds")
                .withoutExemplars()
                .help("Time from the start of handling to the reply, audit write included")
                .classicOnly()
                .classicUpperBounds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5)
                .register(registry);
        acceptedOk = requests.labelValues("accepted", "200");
        GaugeWithCallback.builder()
                .name("openim_callback_audit_healthy")
                .help("1 while the audit directory can be written, else 0")
                .callback(callback -> callback.call(auditHealthy.getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("openim_callback_stats_files_to_count")
                .help("Audit files that were there at start-up and are not yet counted into /stats; 0 once it is complete")
                .callback(callback -> callback.call(filesToCount.getAsInt()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One answered request; {@code nanos} from the start of handling to the reply. */
    public void request(AuditRecord.Outcome outcome, int status, long nanos) {
        if (outcome == AuditRecord.Outcome.ACCEPTED && status == 200) {
            acceptedOk.inc();
        } else {
            requests.labelValues(outcome.text(), Integer.toString(status)).inc();
        }
        handling.observe(nanos / 1e9);
    }

    /** One accepted callback. */
    public void message(int contentType, boolean duplicate) {
        if (duplicate) {
            duplicates.inc();
            return;
        }
        if (contentTypes.contains(contentType)
                || (contentTypes.size() < MAX_CONTENT_TYPES && contentTypes.add(contentType))) {
            messages.labelValues(Integer.toString(contentType)).inc();
        } else {
            messages.labelValues("other").inc();
        }
    }

    public void auditWriteFailed() {
        auditWriteFailures.inc();
    }
}
