package org.openimarchive.receiver.audit;

import java.util.List;

/**
 * Audit records written as links of the hash chain, several at a time: the records of one
 * {@link #write} are sealed in turn after the last record written, written as one text (one
 * line each) by one write, and only then is the last of them made the last link. Records that
 * could not be written are no links, even those a failed write left whole on disk: the next
 * record, marked {@code "resumed":true}, follows the last record that was written, so that
 * the reader and the verifier know what the failed write left for what it is (see
 * {@link AuditReader}). Not thread-safe: the caller writes one batch at a time.
 */
public final class AuditChainWriter {

    /**
     * The most records one write carries: so the most whole records a failed write can leave,
     * which the next record takes the place of; {@link AuditReader} looks that far back.
     */
    public static final int MAX_BATCH = 256;

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

    /**
     * Writes records, JSON objects on one line each, in this order, with one write; all or, as
     * far as the caller knows, none of them.
     *
     * @param records 1 to {@value #MAX_BATCH} records
     * @throws AuditWriteException when the write failed: none of them is a link of the chain
     */
    public void write(List<String> records) throws AuditWriteException {
        if (records.isEmpty() || records.size() > MAX_BATCH) {
            throw new IllegalArgumentException("a write carries 1 to " + MAX_BATCH + " records: " + records.size());
        }
        AuditChain.Sealed[] sealed = new AuditChain.Sealed[records.size()];
        String first = records.get(0);
        sealed[0] = chain.seal(resumed ? AuditRecord.withTrue(first, AuditRecord.RESUMED) : first);
        int length = sealed[0].line().length();
        for (int i = 1; i < sealed.length; i++) {
            sealed[i] = chain.sealAfter(sealed[i - 1], records.get(i));
            length += 1 + sealed[i].line().length();
        }
        String text;
        if (sealed.length == 1) {
            text = sealed[0].line();
        } else {
            StringBuilder joined = new StringBuilder(length);
            for (AuditChain.Sealed s : sealed) {
                if (!joined.isEmpty()) {
                    joined.append('\n');
                }
                joined.append(s.line());
            }
            text = joined.toString();
        }
        String written;
        try {
            written = lines.write(text);
        } catch (AuditWriteException e) {
            resumed = true;
            throw e;
        }
        AuditChain.Sealed last = sealed[sealed.length - 1];
        chain.advance(last);
        resumed = false;
        activeFile.written(written);
        for (AuditChain.Sealed s : sealed) {
            activeFile.record(s.seq(), s.hash());
        }
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
