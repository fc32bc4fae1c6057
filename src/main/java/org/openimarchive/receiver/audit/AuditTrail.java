package org.openimarchive.receiver.audit;

/**
 * Audit records written as links of the hash chain: each record is sealed after the last
 * one written, written, and only then made the last link. A record that could not be
 * written is no link; the next one, marked {@code "resumed":true}, follows the last record
 * that was written, so that the verifier knows the torn line before it for what it is.
 * Not thread-safe: the caller writes one record at a time.
 */
public final class AuditTrail {

    private final AuditLog log;
    private final AuditChain chain;
    private boolean resumed;

    /**
     * @param tornTail whether the active file ends in part of a line (a crash mid-write):
     *                 the first record then starts a new line and says it resumes
     */
    public AuditTrail(AuditLog log, AuditChain chain, boolean tornTail) {
        this.log = log;
        this.chain = chain;
        this.resumed = tornTail;
        if (tornTail) {
            log.startOnNewLine();
        }
    }

    /** The last record written, as {@code SEQ:HASH}. */
    public String head() {
        return chain.head();
    }

    /** Refuses every later record: see {@link AuditLog#refuseWrites}. */
    public void refuseWrites() {
        log.refuseWrites();
    }

    /** Writes one record, a JSON object on one line. */
    public void write(String record) throws AuditWriteException {
        String marked = resumed ? record.substring(0, record.length() - 1) + ",\"resumed\":true}" : record;
        AuditChain.Sealed sealed = chain.seal(marked);
        try {
            log.write(sealed.line());
        } catch (AuditWriteException e) {
            resumed = true;
            throw e;
        }
        chain.advance(sealed);
        resumed = false;
    }
}
