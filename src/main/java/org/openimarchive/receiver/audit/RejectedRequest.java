package org.openimarchive.receiver.audit;

import java.time.Instant;

/**
 * What the audit record of a refused request holds.
 *
 * @param operationID the caller's trace ID, or {@code null}
 * @param bodyBytes   bytes received; the declared length of a body not read (too large, or
 *                    from a source not allowed); {@code null} when neither is known
 * @param bodySha256  hex SHA-256 of the whole body, or {@code null} when it was not read whole
 */
public record RejectedRequest(
        Instant time,
        int status,
        String remoteAddr,
        String operationID,
        String method,
        String uri,
        String error,
        Long bodyBytes,
        String bodySha256) {
}
