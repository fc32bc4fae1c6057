package org.openimarchive.receiver.web;

import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.core.Receiver;

/**
 * Starts the {@link Receiver} when the application is deployed, from its validated
 * configuration (a fault fails the deployment with one message naming every fault), keeps
 * it as a servlet context attribute for the filters and servlets, maps the metrics
 * servlet, and logs the effective configuration once. Stops the receiver on undeploy.
 */
public final class ReceiverLifecycle implements ServletContextListener {

    static final String METRICS_SERVLET = "metrics";
    /** Mapped here rather than in web.xml: the exporter servlet takes the deployment's registry. */
    static final String METRICS_PATH = "/metrics";
    /** The context attribute that holds the running {@link Receiver}. */
    static final String ATTRIBUTE = Receiver.class.getName();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Set<String> names = new HashSet<>(Collections.list(context.getInitParameterNames()));
        ReceiverConfig config = ReceiverConfig.load(context::getInitParameter, names, System::getProperty,
                System.getProperties().stringPropertyNames());

        Receiver receiver = Receiver.start(config, displayPath(context), Clock.systemUTC());
        context.setAttribute(ATTRIBUTE, receiver);
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

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(ATTRIBUTE) instanceof Receiver receiver) {
            drain(context, receiver);
            context.removeAttribute(ATTRIBUTE);
            // a request the container stopped waiting for is answered 503 from here on: the head is the last record
            receiver.stop();
        }
    }

    /**
     * Answers {@code /health} DRAINING for {@code callback.drainSeconds} while callbacks are
     * still recorded, so that a load balancer checking it takes this node out of rotation;
     * not where no request can reach the application any more: when the JVM is shutting down
     * (the container stops as a whole, its connector paused first), or on Tomcat and Jetty,
     * which unmap a context before they stop it (README, "Running several receivers").
     */
    private static void drain(ServletContext context, Receiver receiver) {
        long millis = receiver.config().drain().toMillis();
        String server = context.getServerInfo();
        if (millis == 0 || server.startsWith("Apache Tomcat") || server.startsWith("jetty/") || jvmShuttingDown()) {
            return;
        }
        receiver.drain();
        receiver.operations().info("OpenIM callback receiver at {} draining for {} s: /health answers DRAINING",
                displayPath(context), millis / 1000);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the JVM runs its shutdown hooks (SIGTERM): a hook can no longer be added then. */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** The running receiver of this application. */
    static Receiver receiver(ServletContext context) {
        if (context.getAttribute(ATTRIBUTE) instanceof Receiver receiver) {
            return receiver;
        }
        throw new IllegalStateException("the receiver did not start: see the first error of this deployment");
    }

    private static String displayPath(ServletContext context) {
        return context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    }
}
