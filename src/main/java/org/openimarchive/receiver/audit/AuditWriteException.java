package org.openimarchive.receiver.audit;

/** An audit record that could not be written: the callback must not be acknowledged. */
public final class AuditWriteException extends Exception {

    private static final long serialVersionUID = 1L;

    AuditWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
