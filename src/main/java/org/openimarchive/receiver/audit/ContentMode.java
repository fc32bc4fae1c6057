package org.openimarchive.receiver.audit;

import java.util.Locale;

/** What an accepted record keeps of the message's {@code content}. */
public enum ContentMode {
    /** The content as received. */
    FULL,
    /** {@code "sha256:<hex>"} of the content's UTF-8 bytes: provable, not readable. */
    SHA256,
    /** No {@code content} key at all. */
    OMIT;

    /** The name used in configuration: {@code full}, {@code sha256} or {@code omit}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
