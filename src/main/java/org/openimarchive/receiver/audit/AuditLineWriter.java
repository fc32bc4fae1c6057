package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.LoggingException;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RandomAccessFileAppender;
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
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * Writes audit lines through a log4j2 logger context of the web application's own,
 * configured from XML, whose logger {@value #AUDIT_LOGGER} writes each text it is given, one
 * or several records of a line each, as one event. {@link #write} returns only once the
 * appender has handed the text to the operating system (and, with {@link AuditSync#FSYNC},
 * once the file is forced to the device), and throws when it could not.
 */
public final class AuditLineWriter implements AutoCloseable {

    /** The named logger that receives audit records; re-route it in the XML. */
    public static final String AUDIT_LOGGER = "openim.callback.audit";
    /** The receiver's own messages: effective configuration, refusals to act on. */
    public static final String OPERATIONS_LOGGER = "openim.callback";

    /** The layout patterns that write the text of an event and a line break, nothing else. */
    private static final Set<String> LINE_PATTERNS = Set.of("%m%n", "%msg%n", "%message%n");

    private final LoggerContext context;
    private final Logger audit;
    private final Logger operations;
    /** The files forced after each write: none unless {@link AuditSync#FSYNC}. */
    private final List<ForcedFile> forced;
    /** A failed write may have left part of a line: the next record then starts a new one. */
    private boolean lastWriteFailed;
    private boolean closed;

    private AuditLineWriter(LoggerContext context, AuditSync sync) {
        this.context = context;
        this.audit = context.getLogger(AUDIT_LOGGER);
        this.operations = context.getLogger(OPERATIONS_LOGGER);
        this.forced = new ArrayList<>();
        if (sync == AuditSync.FSYNC) {
            for (Appender appender : auditAppenders(context.getConfiguration())) {
                ForcedFile file = new ForcedFile(fileNameOf(appender));
                forced.add(file);
                if (appender instanceof RollingRandomAccessFileAppender rolling) {
                    rolling.getManager().addRolloverListener(file);
                } else if (appender instanceof RollingFileAppender rolling) {
                    rolling.getManager().addRolloverListener(file);
                }
            }
        }
    }

    /**
     * Starts a logger context from the XML at {@code config}, whose {@code ${receiver:NAME}}
     * lookups resolve from {@code properties}.
     *
     * @param sync when a write counts as done
     * @throws IllegalStateException when the XML cannot be read, could drop audit records, or
     *                               cannot honour {@code sync} (see {@link #checkAuditRoute})
     */
    public static AuditLineWriter start(String name, URL config, Map<String, String> properties, AuditSync sync) {
        LoggerContext context = new LoggerContext(name, Map.copyOf(properties), (URI) null);
        Configuration configuration;
        try (InputStream in = config.openStream()) {
            configuration = new XmlConfiguration(context, new ConfigurationSource(in, config));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read log4j2 configuration " + config + ": " + e.getMessage(), e);
        }
        context.start(configuration);
        try {
            checkAuditRoute(context.getConfiguration(), config, sync);
        } catch (IllegalStateException e) {
            context.stop();
            throw e;
        }
        return new AuditLineWriter(context, sync);
    }

    /**
     * Refuses a configuration in which a record could be dropped, or written later, without
     * {@link #write} throwing: every appender the audit logger reaches must be synchronous,
     * flush every event, report its failures, filter nothing, and write the event's text and a
     * line break, nothing else (an event may hold several records); with
     * {@link AuditSync#FSYNC}, it must write a file the receiver can force. The configuration
     * must not reload itself.
     */
    private static void checkAuditRoute(Configuration configuration, URL config, AuditSync sync) {
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
                checkAppender(appender, at, sync);
                routed = true;
            }
        }
        if (!routed) {
            throw new IllegalStateException(at + "logger " + AUDIT_LOGGER + " has no appender");
        }
    }

    private static void checkAppender(Appender appender, String at, AuditSync sync) {
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
        Layout<?> layout = appender.getLayout();
        if (!(layout instanceof PatternLayout pattern) || !LINE_PATTERNS.contains(pattern.getConversionPattern())
                || !StandardCharsets.UTF_8.equals(pattern.getCharset())) {
            throw new IllegalStateException(at + name + " must have <PatternLayout pattern=\"%m%n\" charset=\"UTF-8\"/>:"
                    + " the records are written as they are, one line each, several in one event");
        }
        if (sync == AuditSync.FSYNC && fileNameOf(appender) == null) {
            throw new IllegalStateException(at + name + " cannot honour callback.audit.sync=fsync: it must be a File,"
                    + " RandomAccessFile, RollingFile or RollingRandomAccessFile appender, whose file the receiver forces"
                    + " to the device");
        }
    }

    /** The file an appender writes, now; null for an appender that writes no file the receiver can force. */
    private static Supplier<String> fileNameOf(Appender appender) {
        if (appender instanceof FileAppender file) {
            return file::getFileName;
        }
        if (appender instanceof RandomAccessFileAppender file) {
            return file::getFileName;
        }
        if (appender instanceof RollingFileAppender file) {
            return file::getFileName;
        }
        if (appender instanceof RollingRandomAccessFileAppender file) {
            return file::getFileName;
        }
        return null;
    }

    /** Every appender the audit logger reaches. */
    private static List<Appender> auditAppenders(Configuration configuration) {
        List<Appender> appenders = new ArrayList<>();
        for (LoggerConfig l = configuration.getLoggerConfig(AUDIT_LOGGER); l != null; l = l.isAdditive() ? l.getParent() : null) {
            appenders.addAll(l.getAppenders().values());
        }
        return appenders;
    }

    /**
     * Writes records, one line each, joined by line breaks, as one event. One write at a
     * time: a write that fails fails alone, and no other write shares its buffer. After a
     * failed write (a full disk may take part of a line) the text is preceded by a line break,
     * so that its first record stands whole on its own line and the torn remains of the
     * unacknowledged ones stand on theirs. With {@link AuditSync#FSYNC}, the file is then
     * forced to the device, and after a roll the directory too (the new file's entry).
     *
     * @param lines one or more records, each a single line, joined by {@code '\n'}
     * @return the text written, before the layout's line break: the lines, or a line break
     *         and the lines
     * @throws AuditWriteException when an appender failed, the file could not be forced, or
     *                             the log is closed: the records may not be on disk
     */
    public synchronized String write(String lines) throws AuditWriteException {
        if (closed) {
            throw new AuditWriteException("audit write refused: the receiver is stopping", null);
        }
        String text = lastWriteFailed ? "\n" + lines : lines;
        try {
            audit.info((Message) new SimpleMessage(text));
        } catch (LoggingException e) {
            lastWriteFailed = true;
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AuditWriteException("audit write failed: " + cause.getMessage(), e);
        }
        try {
            for (ForcedFile file : forced) {
                file.force();
            }
        } catch (IOException e) {
            // the lines are whole in the file, yet not known to be on the device: failed all the same
            lastWriteFailed = true;
            throw new AuditWriteException("audit write failed: could not force the file to the device: " + e.getMessage(), e);
        }
        lastWriteFailed = false;
        return text;
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
        for (Appender appender : auditAppenders(context.getConfiguration())) {
            if (appender instanceof RollingRandomAccessFileAppender rolling) {
                managers.add(rolling.getManager());
            } else if (appender instanceof RollingFileAppender rolling) {
                managers.add(rolling.getManager());
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
        synchronized (this) {
            for (ForcedFile file : forced) {
                file.close();
            }
        }
        context.stop(30, TimeUnit.SECONDS);
    }

    /**
     * A file an audit appender writes, forced to the device after each write through a channel
     * of its own: {@code fdatasync} forces a file's data whichever descriptor wrote it. After a
     * roll the channel is opened on the new file, and the directory is forced once, for the
     * new file's entry. Used under the writer's lock only.
     */
    private static final class ForcedFile implements RolloverListener {

        private final Supplier<String> fileName;
        private FileChannel channel;
        private volatile boolean rolled;

        ForcedFile(Supplier<String> fileName) {
            this.fileName = fileName;
        }

        void force() throws IOException {
            if (channel == null || rolled) {
                rolled = false;
                close();
                Path file = Path.of(fileName.get()).toAbsolutePath();
                channel = FileChannel.open(file, StandardOpenOption.READ);
                try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                    directory.force(true);
                }
            }
            channel.force(false);
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // read-only: nothing is lost
                }
                channel = null;
            }
        }

        @Override
        public void rolloverTriggered(String fileName) {
            // the roll is not done yet
        }

        @Override
        public void rolloverComplete(String fileName) {
            rolled = true;
        }
    }
}
