package org.openimarchive.receiver.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditDirectoryLock;
import org.openimarchive.receiver.audit.AuditHealth;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLog;
import org.openimarchive.receiver.audit.AuditTrail;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.metrics.ReceiverMetrics;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Starts the receiver when the application is deployed: validates the configuration
 * (failing the deployment with one message naming every fault), counts the existing audit
 * files into the statistics, starts the audit log and the metrics, and logs the effective
 * configuration once. Closes the audit files on undeploy.
 */
public final class ReceiverLifecycle implements ServletContextListener {

    /** The built-in log4j2 configuration, on the application's class path. */
    static final String BUILT_IN_LOG4J_CONFIG = "/openim-receiver-log4j2.xml";
    static final String METRICS_SERVLET = "metrics";
    /** Mapped here rather than in web.xml: the exporter servlet takes the deployment's registry. */
    static final String METRICS_PATH = "/metrics";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Set<String> names = new HashSet<>(Collections.list(context.getInitParameterNames()));
        ReceiverConfig config = ReceiverConfig.load(context::getInitParameter, names, System::getProperty,
                System.getProperties().stringPropertyNames());

        AuditDirectoryLock lock = AuditDirectoryLock.acquire(config.auditDir());
        CallbackReceiver receiver;
        try {
            receiver = start(context, config, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        context.setAttribute(CallbackReceiver.ATTRIBUTE, receiver);
        context.addServlet(METRICS_SERVLET, new PrometheusMetricsServlet(receiver.metrics().registry()))
                .addMapping(METRICS_PATH);

        Logger operations = receiver.operations();
        operations.info("OpenIM callback receiver started at {}: {}", displayPath(context), config.describe());
        for (String warning : config.warnings()) {
            operations.warn(warning);
        }
        if (config.allowedSources().isEmpty()) {
            operations.warn("{} is empty: every callback will be refused with 403", ReceiverConfig.ALLOWED_SOURCES);
        }
    }

    /** Counts the audit files, then starts the audit log and the metrics. */
    private static CallbackReceiver start(ServletContext context, ReceiverConfig config, AuditDirectoryLock lock) {
        // count what the audit files hold before anything is added to them
        Clock clock = Clock.systemUTC();
        Statistics statistics = new Statistics(config.statsTimeZone(), config.statsDays(), clock);
        long replayStart = System.nanoTime();
        AuditReplay.Result replayed;
        try {
            replayed = new AuditReplay().replay(config.auditDir(), statistics);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the audit directory " + config.auditDir() + ": " + e.getMessage(), e);
        }
        long replayMillis = (System.nanoTime() - replayStart) / 1_000_000;

        AuditLog auditLog = AuditLog.start("openim-callback-receiver" + context.getContextPath(),
                log4jConfig(config), Map.of(
                        "auditDir", config.auditDir().toString(),
                        "maxFileSize", Long.toString(config.auditMaxFileSize()),
                        "retentionDays", Integer.toString(config.auditRetentionDays())));
        AuditHealth health = new AuditHealth(config.auditDir());
        ReceiverMetrics metrics = new ReceiverMetrics(() -> health.problem() == null);
        Logger operations = auditLog.operations();
        operations.info("Counted {} audit records from {} files in {} ms", replayed.records(), replayed.files(), replayMillis);
        if (replayed.skippedLines() > 0) {
            operations.info("Skipped {} audit lines that are not whole records (writes cut short, answered 503)",
                    replayed.skippedLines());
        }
        for (String unreadable : replayed.unreadable()) {
            operations.warn("Could not read an audit file to its end, statistics miss its rest: {}", unreadable);
        }
        AuditChain.Link last = replayed.lastLink();
        AuditChain chain = last == null
                ? new AuditChain(config.hmacKey(), 0, AuditChain.GENESIS)
                : new AuditChain(config.hmacKey(), last.seq(), last.hash());
        return new CallbackReceiver(config, new CallbackParser(), auditLog, lock,
                new Recorder(new AuditTrail(auditLog, chain, replayed.tornTail()), new AuditLineFormat(config.auditContent()),
                        statistics),
                statistics, metrics, health, clock);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(CallbackReceiver.ATTRIBUTE) instanceof CallbackReceiver receiver) {
            context.removeAttribute(CallbackReceiver.ATTRIBUTE);
            // a request the container stopped waiting for is answered 503 from here on: the head is the last record
            String head = receiver.recorder().stop();
            // the head of the chain, for the operator to keep elsewhere: verify cannot see the newest records removed
            receiver.operations().info("OpenIM callback receiver stopping at {}; audit chain head (verify --anchor): {}",
                    displayPath(context), head);
            receiver.auditLog().close();
            receiver.directoryLock().close();
        }
    }

    private static URL log4jConfig(ReceiverConfig config) {
        if (config.log4jConfig() == null) {
            return ReceiverLifecycle.class.getResource(BUILT_IN_LOG4J_CONFIG);
        }
        try {
            return config.log4jConfig().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(ReceiverConfig.LOG4J_CONFIG + ": " + e.getMessage(), e);
        }
    }

    private static String displayPath(ServletContext context) {
        return context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    }
}
