package org.openimarchive.receiver.core;

import java.time.Instant;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditChainWriter;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Writes audit records, one at a time, to the {@link AuditChainWriter}, and counts them, so that
 * the statistics hold exactly what the audit files hold. The duplicate check, the write and
 * the count of a record are one step under the recorder's lock: records are written in chain
 * order, and two copies of a message arriving together cannot both be counted as new. The
 * record is formatted before the lock is taken.
 */
public final class Recorder {

    private final AuditChainWriter chain;
    private final AuditLineFormat format;
    private final Statistics statistics;

    Recorder(AuditChainWriter chain, AuditLineFormat format, Statistics statistics) {
        this.chain = chain;
        this.format = format;
        this.statistics = statistics;
    }

    /**
     * Records an accepted callback.
     *
     * @return whether it was a duplicate
     */
    public boolean accepted(Instant time, String remoteAddr, String operationID, ParsedCallback callback)
            throws AuditWriteException {
        // formatted before the lock, so that one request's formatting overlaps another's write
        String record = format.accepted(time, remoteAddr, operationID, callback);
        synchronized (this) {
            boolean duplicate = statistics.isDuplicate(callback.callback().serverMsgID());
            chain.write(duplicate ? AuditLineFormat.markDuplicate(record) : record);
            statistics.countAccepted(time, callback.callback(), duplicate);
            return duplicate;
        }
    }

    /**
     * Refuses every later record (its write throws, so its request is answered 503), once the
     * one being written is done.
     *
     * @return the last record written, as {@code SEQ:HASH}: final
     */
    synchronized String stop() {
        chain.refuseWrites();
        return chain.head();
    }

    /** Records another webhook, passed with the neutral reply. */
    public void passed(Instant time, String remoteAddr, String operationID, String command, byte[] body)
            throws AuditWriteException {
        String record = format.passed(time, remoteAddr, operationID, command, body);
        synchronized (this) {
            chain.write(record);
            statistics.countPassed(time, command);
        }
    }

    /** Records a refused request. */
    public void refused(RejectedRequest request) throws AuditWriteException {
        String record = format.rejected(request);
        synchronized (this) {
            chain.write(record);
            statistics.countRefused(request.time(), request.status());
        }
    }
}
