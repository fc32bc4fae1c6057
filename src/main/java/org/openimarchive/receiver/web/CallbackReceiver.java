package org.openimarchive.receiver.web;

import jakarta.servlet.ServletContext;
import java.time.Clock;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.audit.AuditDirectoryLock;
import org.openimarchive.receiver.audit.AuditHealth;
import org.openimarchive.receiver.audit.AuditLog;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.metrics.ReceiverMetrics;
import org.openimarchive.receiver.stats.Statistics;

/**
 * What the filters and servlets share for the life of the deployment, created by
 * {@link ReceiverLifecycle} and kept as a servlet context attribute.
 */
record CallbackReceiver(
        ReceiverConfig config,
        CallbackParser parser,
        AuditLog auditLog,
        AuditDirectoryLock directoryLock,
        Recorder recorder,
        Statistics statistics,
        ReceiverMetrics metrics,
        AuditHealth health,
        Clock clock) {

    static final String ATTRIBUTE = CallbackReceiver.class.getName();

    /** The receiver's own messages: effective configuration, refusals an operator should see. */
    Logger operations() {
        return auditLog.operations();
    }

    static CallbackReceiver of(ServletContext context) {
        if (context.getAttribute(ATTRIBUTE) instanceof CallbackReceiver receiver) {
            return receiver;
        }
        throw new IllegalStateException("the receiver did not start: see the first error of this deployment");
    }
}
