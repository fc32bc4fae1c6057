package org.openimarchive.receiver.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Logger;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLog;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.config.ReceiverConfig;

/**
 * Starts the receiver when the application is deployed: validates the configuration
 * (failing the deployment with one message naming every fault), starts the audit log, and
 * logs the effective configuration once. Closes the audit files on undeploy.
 */
public final class ReceiverLifecycle implements ServletContextListener {

    /** The built-in log4j2 configuration, on the application's class path. */
    static final String BUILT_IN_LOG4J_CONFIG = "/openim-receiver-log4j2.xml";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Set<String> names = new HashSet<>(Collections.list(context.getInitParameterNames()));
        ReceiverConfig config = ReceiverConfig.load(context::getInitParameter, names, System::getProperty);

        AuditLog auditLog = AuditLog.start("openim-callback-receiver" + context.getContextPath(),
                log4jConfig(config), Map.of(
                        "auditDir", config.auditDir().toString(),
                        "maxFileSize", Long.toString(config.auditMaxFileSize()),
                        "retentionDays", Integer.toString(config.auditRetentionDays())));
        Logger operations = auditLog.operations();
        context.setAttribute(CallbackReceiver.ATTRIBUTE, new CallbackReceiver(
                config, new CallbackParser(), new AuditLineFormat(config.auditContent()),
                auditLog, Clock.systemUTC()));

        operations.info("OpenIM callback receiver started at {}: {}", displayPath(context), config.describe());
        if (config.allowedSources().isEmpty()) {
            operations.warn("{} is empty: every callback will be refused with 403", ReceiverConfig.ALLOWED_SOURCES);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(CallbackReceiver.ATTRIBUTE) instanceof CallbackReceiver receiver) {
            context.removeAttribute(CallbackReceiver.ATTRIBUTE);
            receiver.operations().info("OpenIM callback receiver stopped at {}", displayPath(context));
            receiver.auditLog().close();
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
