package org.openimarchive.receiver.web;

/** Why a request was not acknowledged: an HTTP status and its fixed reply phrase. */
public enum Refusal {
    INVALID_CALLBACK(400, "invalid callback"),
    SOURCE_NOT_ALLOWED(403, "source address not allowed"),
    NOT_FOUND(404, "unknown command"),
    METHOD_NOT_ALLOWED(405, "method not allowed"),
    BODY_TOO_SLOW(408, "body too slow"),
    BODY_TOO_LARGE(413, "body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported content type"),
    INTERNAL_ERROR(500, "internal error"),
    AUDIT_UNAVAILABLE(503, "audit unavailable");

    private final int status;
    private final String phrase;

    Refusal(int status, String phrase) {
        this.status = status;
        this.phrase = phrase;
    }

    /** The refusal answered with {@code status}, or null. */
    static Refusal ofStatus(int status) {
        for (Refusal refusal : values()) {
            if (refusal.status == status) {
                return refusal;
            }
        }
        return null;
    }

    public int status() {
        return status;
    }

    /** The reply's {@code errMsg}. */
    public String phrase() {
        return phrase;
    }
}
