package org.openimarchive.receiver.audit;

/**
 * Audit records written as links of the hash chain: each record is sealed after the last
 * one written, written, and only then made the last link. A record that could not be
 * written is no link; the next one, marked {@code "resumed":true}, follows the last record
 * that was written, so that the verifier knows the torn line before it for what it is.
 * Not thread-safe: the caller writes one record at a time.
 */
public final class AuditChainWriter {

    private final AuditLineWriter lines;
    private final AuditChain chain;
    private boolean resumed;
    /** The active file's contents, as far as this writer wrote them. */
    private AuditFileIdentity.Builder activeFile = new AuditFileIdentity.Builder();

    /**
     * @param tornTail whether the active file ends in part of a line (a crash mid-write):
     *                 the first record then starts a new line and says it resumes
     */
    public AuditChainWriter(AuditLineWriter lines, AuditChain chain, boolean tornTail) {
        this.lines = lines;
        this.chain = chain;
        this.resumed = tornTail;
        if (tornTail) {
            lines.startOnNewLine();
        }
    }

    /** The last record written, as {@code SEQ:HASH}. */
    public String head() {
        return chain.head();
    }

    /** Refuses every later record: see {@link AuditLineWriter#refuseWrites}. */
    public void refuseWrites() {
        lines.refuseWrites();
    }

    /** Writes one record, a JSON object on one line. */
    public void write(String record) throws AuditWriteException {
        String marked = resumed ? AuditRecord.withTrue(record, AuditRecord.RESUMED) : record;
        AuditChain.Sealed sealed = chain.seal(marked);
        String written;
        try {
            written = lines.write(sealed.line());
        } catch (AuditWriteException e) {
            resumed = true;
            throw e;
        }
        chain.advance(sealed);
        resumed = false;
        activeFile.line(written, sealed.seq(), sealed.hash());
    }

    /**
     * The identity of the file that just rolled, as written since the last roll (or since
     * the writer started on an empty file); later records belong to the next file.
     */
    public AuditFileIdentity rollIdentity() {
        AuditFileIdentity rolled = activeFile.build();
        activeFile = new AuditFileIdentity.Builder();
        return rolled;
    }
}
