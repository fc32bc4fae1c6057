package org.openimarchive.receiver.web;

import jakarta.json.JsonObject;
import java.time.Instant;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditLog;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Writes audit records, one at a time, as links of the hash chain, and counts them, so that
 * the statistics hold exactly what the audit files hold. The duplicate check, the sealing,
 * the write and the count of a record are one step: records are written in chain order,
 * and two copies of a message arriving together cannot both be counted as new. A record
 * that could not be written is no link; the next one, marked {@code "resumed":true},
 * follows the last record that was written.
 */
final class Recorder {

    private final AuditLog auditLog;
    private final AuditLineFormat format;
    private final Statistics statistics;
    private final AuditChain chain;
    private boolean resumed;

    /**
     * @param tornTail whether the audit file ends in part of a line: the first record then says it resumes
     */
    Recorder(AuditLog auditLog, AuditLineFormat format, Statistics statistics, AuditChain chain, boolean tornTail) {
        this.auditLog = auditLog;
        this.format = format;
        this.statistics = statistics;
        this.chain = chain;
        this.resumed = tornTail;
    }

    /**
     * Records an accepted callback.
     *
     * @return whether it was a duplicate
     */
    synchronized boolean accepted(Instant time, String remoteAddr, String operationID, JsonObject msg,
                                  String serverMsgID) throws AuditWriteException {
        boolean duplicate = statistics.isDuplicate(serverMsgID);
        write(format.accepted(time, remoteAddr, operationID, msg, duplicate));
        statistics.countAccepted(time, msg, duplicate);
        return duplicate;
    }

    /** Records a refused request. */
    synchronized void refused(RejectedRequest request) throws AuditWriteException {
        write(format.rejected(request));
        statistics.countRefused(request.time(), request.status());
    }

    private void write(String record) throws AuditWriteException {
        AuditChain.Sealed sealed = chain.seal(resumed ? record.substring(0, record.length() - 1) + ",\"resumed\":true}" : record);
        try {
            auditLog.write(sealed.line());
        } catch (AuditWriteException e) {
            resumed = true;
            throw e;
        }
        chain.advance(sealed);
        resumed = false;
    }
}
