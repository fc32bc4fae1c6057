package org.openimarchive.receiver.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.openimarchive.receiver.audit.AuditDirectoryUsage;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.stats.Statistics;

/**
 * The receiver's Prometheus metrics, in a registry of the deployment's own (so that a
 * redeploy starts clean): requests by outcome and status, messages by content type,
 * duplicates, handling time, audit write failures and audit health; the audit directory's
 * size and its disk's room, and the start-up count's progress, measured at each scrape; the
 * JVM's and the process's own. Without exemplars and native histograms: their sampling runs
 * on a client-wide scheduler thread that would outlive an undeployed WAR. For the same
 * reason the JVM metrics are registered one by one, without
 * {@code JvmMemoryPoolAllocationMetrics}: it adds a listener to the JVM's garbage
 * collectors that nothing removes, which would keep an undeployed WAR's classes in memory.
 */
public final class ReceiverMetrics {

    /** Content types given their own label value; the rest share "other". */
    static final int MAX_CONTENT_TYPES = 256;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** The data point of each content type with a label value of its own, looked up once. */
    private final Map<Integer, CounterDataPoint> messagesByContentType = new ConcurrentHashMap<>();
    private final Counter requests;
    private final Counter messages;
    private final Counter duplicates;
    private final Counter auditWriteFailures;
    private final Counter bodiesAwaited;
    private final Histogram handling;
    /** The data point of nearly every request, looked up once (the client's advice for hot paths). */
    private final CounterDataPoint acceptedOk;
    private final CounterDataPoint passedOk;

    /**
     * @param node          the node's name, the label of {@code openim_callback_node_info}
     * @param auditHealthy  asked at every scrape
     * @param startupCount  asked at every scrape: how far the count of the audit files that were there at start-up is
     * @param auditDir      the audit directory, measured at every scrape
     */
    public ReceiverMetrics(String node, BooleanSupplier auditHealthy, Supplier<Statistics.Progress> startupCount,
                           Path auditDir) {
        // an info metric, as Prometheus names a target's identity: joined on instance where a query needs the node
        Info.builder()
                .name("openim_callback_node_info")
                .help("The receiver's node name (callback.nodeName), always 1")
                .labelNames("node")
                .register(registry)
                .setLabelValues(node);
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
        bodiesAwaited = Counter.builder()
                .name("openim_callback_bodies_awaited")
                .withoutExemplars()
                .help("Request bodies that had not all arrived with their headers, read as they came off the request's thread")
                .register(registry);
        handling = Histogram.builder()
                .name("openim_callback_handling_seconds")
                .withoutExemplars()
                .help("Time from the start of handling to the reply, audit write included")
                .classicOnly()
                // up to and past OpenIM's callback timeout (webhooks.yml, 5 s), so that the
                // alert rules can tell a p99 near it
                .classicUpperBounds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5,
                        1, 2.5, 4, 5, 10)
                .register(registry);
        acceptedOk = requests.labelValues("accepted", "200");
        passedOk = requests.labelValues("passed", "200");
        GaugeWithCallback.builder()
                .name("openim_callback_audit_healthy")
                .help("1 while the audit directory can be written, else 0")
                .callback(callback -> callback.call(auditHealthy.getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("openim_callback_stats_files_uncounted")
                .help("Audit files that were there at start-up and are not yet counted into /stats; 0 once it is complete")
                .callback(callback -> callback.call(startupCount.get().filesToDo()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("openim_callback_stats_bytes_uncounted")
                .help("Bytes of the audit files that were there at start-up and are not yet counted into /stats")
                .callback(callback -> callback.call(startupCount.get().bytesToDo()))
                .register(registry);
        registry.register(auditDirectory(auditDir));
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** The audit directory's gauges, from one listing of it per scrape. */
    private static MultiCollector auditDirectory(Path dir) {
        return () -> {
            AuditDirectoryUsage usage = AuditDirectoryUsage.of(dir);
            List<GaugeSnapshot> gauges = new ArrayList<>();
            gauges.add(gauge("openim_callback_audit_directory_bytes",
                    "Bytes on disk of the audit files (active and rolled, rolled ones compressed)", usage.bytes()));
            gauges.add(gauge("openim_callback_audit_directory_files",
                    "Audit files in the audit directory, active and rolled", usage.files()));
            if (usage.freeBytes() >= 0) {
                gauges.add(gauge("openim_callback_audit_disk_free_bytes",
                        "Bytes the receiver may still write on the audit directory's file system", usage.freeBytes()));
            }
            try {
                gauges.add(gauge("openim_callback_audit_disk_size_bytes",
                        "Size in bytes of the audit directory's file system", Files.getFileStore(dir).getTotalSpace()));
            } catch (IOException e) {
                // the directory is gone: /health says so, and the gauge is left out rather than made up
            }
            return new MetricSnapshots(new ArrayList<>(gauges));
        };
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One answered request; {@code nanos} from the start of handling to the reply. */
    public void request(AuditRecord.Outcome outcome, int status, long nanos) {
        if (status == 200 && outcome == AuditRecord.Outcome.ACCEPTED) {
            acceptedOk.inc();
        } else if (status == 200 && outcome == AuditRecord.Outcome.PASSED) {
            passedOk.inc();
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
        CounterDataPoint count = messagesByContentType.get(contentType);
        if (count == null) {
            count = messagesByContentType.size() < MAX_CONTENT_TYPES
                    ? messagesByContentType.computeIfAbsent(contentType, type -> messages.labelValues(Integer.toString(type)))
                    : messages.labelValues("other");
        }
        count.inc();
    }

    public void auditWriteFailed() {
        auditWriteFailures.inc();
    }

    /** A body that had not all arrived with its headers is being read as it comes. */
    public void bodyAwaited() {
        bodiesAwaited.inc();
    }
}
