package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.LoggingException;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * The audit trail: a log4j2 logger context of the web application's own, configured from
 * XML, whose logger {@value #AUDIT_LOGGER} writes one line per record. {@link #write}
 * returns only once the appender has handed the line to the operating system, and throws
 * when it could not.
 */
public final class AuditLog implements AutoCloseable {

    /** The named logger that receives audit records; re-route it in the XML. */
    public static final String AUDIT_LOGGER = "openim.callback.audit";
    /** The receiver's own messages: effective configuration, refusals to act on. */
    public static final String OPERATIONS_LOGGER = "openim.callback";

    private final LoggerContext context;
    private final Logger audit;
    private final Logger operations;
    /** A failed write may have left part of a line: the next record then starts a new one. */
    private volatile boolean lastWriteFailed;

    private AuditLog(LoggerContext context) {
        this.context = context;
        this.audit = context.getLogger(AUDIT_LOGGER);
        this.operations = context.getLogger(OPERATIONS_LOGGER);
    }

    /**
     * Starts a logger context from the XML at {@code config}, whose {@code ${receiver:NAME}}
     * lookups resolve from {@code properties}.
     *
     * @throws IllegalStateException when the XML cannot be read or does not route
     *                               {@value #AUDIT_LOGGER} at INFO to a started appender
     */
    public static AuditLog start(String name, URL config, Map<String, String> properties) {
        LoggerContext context = new LoggerContext(name, Map.copyOf(properties), (java.net.URI) null);
        Configuration configuration;
        try (InputStream in = config.openStream()) {
            configuration = new XmlConfiguration(context, new ConfigurationSource(in, config));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read log4j2 configuration " + config + ": " + e.getMessage(), e);
        }
        context.start(configuration);
        try {
            checkAuditRoute(context.getConfiguration(), config);
        } catch (IllegalStateException e) {
            context.stop();
            throw e;
        }
        return new AuditLog(context);
    }

    private static void checkAuditRoute(Configuration configuration, URL config) {
        LoggerConfig logger = configuration.getLoggerConfig(AUDIT_LOGGER);
        if (!logger.getLevel().isLessSpecificThan(Level.INFO)) {
            throw new IllegalStateException("log4j2 configuration " + config + ": logger " + AUDIT_LOGGER
                    + " must be enabled at level INFO");
        }
        boolean started = false;
        for (LoggerConfig l = logger; l != null; l = l.isAdditive() ? l.getParent() : null) {
            for (Appender appender : l.getAppenders().values()) {
                if (!appender.isStarted()) {
                    throw new IllegalStateException("log4j2 configuration " + config + ": appender "
                            + appender.getName() + " of logger " + AUDIT_LOGGER + " did not start");
                }
                started = true;
            }
        }
        if (!started) {
            throw new IllegalStateException("log4j2 configuration " + config + ": logger " + AUDIT_LOGGER
                    + " has no appender");
        }
    }

    /**
     * Writes one record, which must be a single line. After a failed write (a full disk may
     * take part of a line) the record is preceded by a line break, so that it stands whole on
     * its own line and the torn remains of the unacknowledged one stand on theirs.
     *
     * @throws AuditWriteException when an appender failed: the record may not be on disk
     */
    public void write(String line) throws AuditWriteException {
        try {
            audit.info((Message) new SimpleMessage(lastWriteFailed ? "\n" + line : line));
            lastWriteFailed = false;
        } catch (LoggingException e) {
            lastWriteFailed = true;
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AuditWriteException("audit write failed: " + cause.getMessage(), e);
        }
    }

    /** A logger of this context for the receiver's own messages. */
    public Logger operations() {
        return operations;
    }

    /** Flushes and closes the audit files. */
    @Override
    public void close() {
        context.stop(30, TimeUnit.SECONDS);
    }
}
