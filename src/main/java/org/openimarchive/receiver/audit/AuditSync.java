package org.openimarchive.receiver.audit;

import java.util.Locale;

/** When a write of audit records counts as done, so that its callbacks may be answered. */
public enum AuditSync {
    /** Once the operating system has the bytes: a crash of the JVM loses nothing, a power loss may. */
    OS,
    /** Once the bytes are forced to the device ({@code fdatasync}): a power loss loses nothing answered. */
    FSYNC;

    /** The name used in configuration: {@code os} or {@code fsync}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
