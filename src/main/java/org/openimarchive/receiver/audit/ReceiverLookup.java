package org.openimarchive.receiver.audit;

import java.util.Map;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerContextAware;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.lookup.AbstractLookup;
import org.apache.logging.log4j.core.lookup.StrLookup;

/**
 * The {@code ${receiver:NAME}} lookup of the log4j2 configuration: it hands the validated
 * {@code callback.audit.*} parameters (the directory, the file size, the retention) to the
 * XML, so that appenders and the rolling policy stay in XML while their values stay in
 * web.xml. The values are the {@link LoggerContext}'s external context, set by
 * {@link AuditLineWriter#start}.
 */
@Plugin(name = "receiver", category = StrLookup.CATEGORY)
public final class ReceiverLookup extends AbstractLookup implements LoggerContextAware {

    private volatile Map<?, ?> values = Map.of();

    @Override
    public void setLoggerContext(LoggerContext context) {
        if (context != null && context.getExternalContext() instanceof Map<?, ?> map) {
            values = map;
        }
    }

    @Override
    public String lookup(LogEvent event, String key) {
        Object value = values.get(key);
        return value == null ? null : value.toString();
    }
}
