package org.openimarchive.receiver.web;

import jakarta.json.JsonObject;
import java.time.Instant;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLog;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Writes audit records and counts them, so that the statistics hold exactly what the audit
 * files hold. For an accepted callback, the duplicate check, the write and the count are
 * one step: two copies of a message arriving together cannot both be counted as new.
 */
final class Recorder {

    private final AuditLog auditLog;
    private final AuditLineFormat format;
    private final Statistics statistics;

    Recorder(AuditLog auditLog, AuditLineFormat format, Statistics statistics) {
        this.auditLog = auditLog;
        this.format = format;
        this.statistics = statistics;
    }

    /**
     * Records an accepted callback.
     *
     * @return whether it was a duplicate
     */
    synchronized boolean accepted(Instant time, String remoteAddr, String operationID, JsonObject msg,
                                  String serverMsgID) throws AuditWriteException {
        boolean duplicate = statistics.isDuplicate(serverMsgID);
        auditLog.write(format.accepted(time, remoteAddr, operationID, msg, duplicate));
        statistics.countAccepted(time, msg, duplicate);
        return duplicate;
    }

    /** Records a refused request. */
    void refused(RejectedRequest request) throws AuditWriteException {
        auditLog.write(format.rejected(request));
        statistics.countRefused(request.time(), request.status());
    }
}
