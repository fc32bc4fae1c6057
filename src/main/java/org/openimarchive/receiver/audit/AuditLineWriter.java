package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.LoggingException;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.RollingRandomAccessFileAppender;
import org.apache.logging.log4j.core.appender.rolling.RollingFileManager;
import org.apache.logging.log4j.core.appender.rolling.RolloverListener;
import org.apache.logging.log4j.core.async.AsyncLoggerConfig;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.filter.Filterable;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * Writes audit lines through a log4j2 logger context of the web application's own,
 * configured from XML, whose logger {@value #AUDIT_LOGGER} writes one line per record. {@link #write}
 * returns only once the appender has handed the line to the operating system, and throws
 * when it could not.
 */
public final class AuditLineWriter implements AutoCloseable {

    /** The named logger that receives audit records; re-route it in the XML. */
    public static final String AUDIT_LOGGER = "openim.callback.audit";
    /** The receiver's own messages: effective configuration, refusals to act on. */
    public static final String OPERATIONS_LOGGER = "openim.callback";

    private final LoggerContext context;
    private final Logger audit;
    private final Logger operations;
    /** A failed write may have left part of a line: the next record then starts a new one. */
    private boolean lastWriteFailed;
    private boolean closed;

    private AuditLineWriter(LoggerContext context) {
        this.context = context;
        this.audit = context.getLogger(AUDIT_LOGGER);
        this.operations = context.getLogger(OPERATIONS_LOGGER);
    }

    /**
     * Starts a logger context from the XML at {@code config}, whose {@code ${receiver:NAME}}
     * lookups resolve from {@code properties}.
     *
     * @throws IllegalStateException when the XML cannot be read, or could drop audit records
     *                               (see {@link #checkAuditRoute})
     */
    public static AuditLineWriter start(String name, URL config, Map<String, String> properties) {
        LoggerContext context = new LoggerContext(name, Map.copyOf(properties), (URI) null);
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
        return new AuditLineWriter(context);
    }

    /**
     * Refuses a configuration in which a record could be dropped, or written later, without
     * {@link #write} throwing: every appender the audit logger reaches must be synchronous,
     * flush every record, report its failures, and filter nothing; and the configuration
     * must not reload itself.
     */
    private static void checkAuditRoute(Configuration configuration, URL config) {
        String at = "log4j2 configuration " + config + ": ";
        LoggerConfig logger = configuration.getLoggerConfig(AUDIT_LOGGER);
        if (!logger.getLevel().isLessSpecificThan(Level.INFO)) {
            throw new IllegalStateException(at + "logger " + AUDIT_LOGGER + " must be enabled at level INFO");
        }
        if (configuration.getWatchManager().getIntervalSeconds() > 0) {
            throw new IllegalStateException(at + "monitorInterval must not be set: a reload could drop audit records");
        }
        if (configuration.hasFilter()) {
            throw new IllegalStateException(at + "a configuration-wide filter could drop audit records");
        }
        boolean routed = false;
        for (LoggerConfig l = logger; l != null; l = l.isAdditive() ? l.getParent() : null) {
            if (l instanceof AsyncLoggerConfig) {
                throw new IllegalStateException(at + "logger " + l.getName() + " is asynchronous; audit records must be "
                        + "written before the callback is answered");
            }
            if (l.hasFilter() || l.getAppenderRefs().stream().anyMatch(r -> r.getFilter() != null
                    || (r.getLevel() != null && !r.getLevel().isLessSpecificThan(Level.INFO)))) {
                throw new IllegalStateException(at + "logger " + l.getName() + " filters audit records");
            }
            for (Appender appender : l.getAppenders().values()) {
                checkAppender(appender, at);
                routed = true;
            }
        }
        if (!routed) {
            throw new IllegalStateException(at + "logger " + AUDIT_LOGGER + " has no appender");
        }
    }

    private static void checkAppender(Appender appender, String at) {
        String name = "appender " + appender.getName() + " of logger " + AUDIT_LOGGER;
        if (!appender.isStarted()) {
            throw new IllegalStateException(at + name + " did not start");
        }
        if (appender.ignoreExceptions()) {
            throw new IllegalStateException(at + name + " must have ignoreExceptions=\"false\"");
        }
        if (appender instanceof AsyncAppender) {
            throw new IllegalStateException(at + name + " is asynchronous; audit records must be written before "
                    + "the callback is answered");
        }
        if (appender instanceof AbstractOutputStreamAppender<?> stream && !stream.getImmediateFlush()) {
            throw new IllegalStateException(at + name + " must have immediateFlush=\"true\"");
        }
        if (appender instanceof Filterable filterable && filterable.hasFilter()) {
            throw new IllegalStateException(at + name + " filters audit records");
        }
    }

    /**
     * Writes one record, which must be a single line. One write at a time: a write that fails
     * fails alone, and no other record shares its buffer. After a failed write (a full disk
     * may take part of a line) the record is preceded by a line break, so that it stands
     * whole on its own line and the torn remains of the unacknowledged one stand on theirs.
     *
     * @return the text written, before the layout's line break: the line, or a line break
     *         and the line
     * @throws AuditWriteException when an appender failed, or the log is closed: the record
     *                             may not be on disk
     */
    public synchronized String write(String line) throws AuditWriteException {
        if (closed) {
            throw new AuditWriteException("audit write refused: the receiver is stopping", null);
        }
        try {
            String text = lastWriteFailed ? "\n" + line : line;
            audit.info((Message) new SimpleMessage(text));
            lastWriteFailed = false;
            return text;
        } catch (LoggingException e) {
            lastWriteFailed = true;
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AuditWriteException("audit write failed: " + cause.getMessage(), e);
        }
    }

    /**
     * Starts the next record on a new line: the file ends in part of one (a write cut short
     * by a crash of an earlier run).
     */
    public synchronized void startOnNewLine() {
        lastWriteFailed = true;
    }

    /**
     * Rolls the active file now, when it holds anything, as a rolling appender of the audit
     * logger would at its next trigger, so that the records this start adds begin a file.
     */
    public synchronized void rollNonEmptyFile() {
        for (RollingFileManager manager : rollingManagers()) {
            if (manager.getFileSize() > 0) {
                manager.rollover();
            }
        }
    }

    /** Whether the audit logger writes through a rolling appender, whose rolls {@link #onRollover} reports. */
    public boolean rolls() {
        return !rollingManagers().isEmpty();
    }

    /**
     * Calls {@code afterRoll} each time the active file has rolled, in the thread that writes
     * the record that made it roll, before that record is written.
     */
    public void onRollover(Runnable afterRoll) {
        for (RollingFileManager manager : rollingManagers()) {
            manager.addRolloverListener(new RolloverListener() {
                @Override
                public void rolloverTriggered(String fileName) {
                    // the roll is not done yet
                }

                @Override
                public void rolloverComplete(String fileName) {
                    afterRoll.run();
                }
            });
        }
    }

    private List<RollingFileManager> rollingManagers() {
        List<RollingFileManager> managers = new ArrayList<>();
        for (LoggerConfig l = context.getConfiguration().getLoggerConfig(AUDIT_LOGGER); l != null;
             l = l.isAdditive() ? l.getParent() : null) {
            for (Appender appender : l.getAppenders().values()) {
                if (appender instanceof RollingRandomAccessFileAppender rolling) {
                    managers.add(rolling.getManager());
                } else if (appender instanceof RollingFileAppender rolling) {
                    managers.add(rolling.getManager());
                }
            }
        }
        return managers;
    }

    /** A logger of this context for the receiver's own messages. */
    public Logger operations() {
        return operations;
    }

    /**
     * Waits for the write in progress and refuses every later one, which then throws; the
     * {@link #operations} logger still writes until {@link #close}.
     */
    public synchronized void refuseWrites() {
        closed = true;
    }

    /**
     * Refuses every later write (see {@link #refuseWrites}), then flushes and closes the
     * audit files.
     */
    @Override
    public void close() {
        refuseWrites();
        context.stop(30, TimeUnit.SECONDS);
    }
}
