package org.openimarchive.receiver.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash chain that makes the audit files tamper-evident. Each record carries a sequence
 * number and a hash over its own text and the previous record's hash:
 *
 * <pre>
 *   body = record without its closing brace + ,"seq":N
 *   hash = hex(SHA-256(previousHash + body))     or HMAC-SHA256 with the operator's key
 *   line = body + ,"hash":"&lt;hash&gt;"}
 * </pre>
 *
 * so that editing, deleting, inserting or reordering any line breaks the chain at that
 * point. The first record of an archive follows {@link #GENESIS}. Not thread-safe: the
 * caller seals and writes records in order, one write at a time.
 */
public final class AuditChain {

    /** The "previous hash" of the very first record. */
    public static final String GENESIS = "0".repeat(64);

    private static final String SEQ_KEY = ",\"" + AuditRecord.SEQ + "\":";
    static final String HASH_KEY = ",\"" + AuditRecord.HASH + "\":\"";
    /** {@code ,"hash":"} + 64 hex digits + {@code "}}. */
    static final int SUFFIX_LENGTH = HASH_KEY.length() + 64 + 2;

    private final Hasher hasher;
    private long lastSeq;
    private String lastHash;

    /**
     * @param key      the HMAC key, or null for plain SHA-256
     * @param lastSeq  the sequence number of the last record written, 0 for none
     * @param lastHash that record's hash, or {@link #GENESIS}
     */
    public AuditChain(byte[] key, long lastSeq, String lastHash) {
        this.hasher = new Hasher(key);
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
    }

    /** The line for {@code record} (a JSON object), sealed as the next link; nothing changes yet. */
    public Sealed seal(String record) {
        return seal(record, lastSeq, lastHash);
    }

    /**
     * The line for {@code record}, sealed as the link after {@code previous}, itself sealed
     * but not yet written: how the records of one write are sealed in turn. Nothing changes yet.
     */
    public Sealed sealAfter(Sealed previous, String record) {
        return seal(record, previous.seq(), previous.hash());
    }

    private Sealed seal(String record, long previousSeq, String previousHash) {
        long seq = previousSeq + 1;
        StringBuilder line = new StringBuilder(record.length() + 24 + SUFFIX_LENGTH);
        line.append(record, 0, record.length() - 1).append(SEQ_KEY).append(seq);
        String hash = hasher.hash(previousHash, line);
        line.append(HASH_KEY).append(hash).append("\"}");
        return new Sealed(line.toString(), seq, hash);
    }

    /** Makes a sealed line the last link, once it is written (with the ones sealed before it). */
    public void advance(Sealed sealed) {
        lastSeq = sealed.seq();
        lastHash = sealed.hash();
    }

    /** The last link, as {@code SEQ:HASH}: what {@code verify --anchor} takes. */
    public String head() {
        return lastSeq + ":" + lastHash;
    }

    /** A record sealed as a link of the chain. */
    public record Sealed(String line, long seq, String hash) {
    }

    /**
     * Computes the hashes of a chain: SHA-256, or HMAC-SHA256 with a key. Keeps its digest
     * or MAC from one record to the next, as the JDK's provider lookup costs as much as the
     * hash of a record. Not thread-safe.
     */
    public static final class Hasher {

        private final MessageDigest sha256;
        private final Mac hmac;

        /** @param key the HMAC key, or null for plain SHA-256 */
        public Hasher(byte[] key) {
            try {
                if (key == null) {
                    sha256 = MessageDigest.getInstance("SHA-256");
                    hmac = null;
                } else {
                    sha256 = null;
                    hmac = Mac.getInstance("HmacSHA256");
                    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java platform has SHA-256 and HmacSHA256", e);
            }
        }

        /** The hash of {@code body} after {@code previousHash}: of the UTF-8 bytes of both, in that order. */
        public String hash(String previousHash, CharSequence body) {
            byte[] previous = previousHash.getBytes(StandardCharsets.UTF_8);
            byte[] text = body.toString().getBytes(StandardCharsets.UTF_8);
            byte[] digest;
            if (hmac != null) {
                hmac.update(previous);
                digest = hmac.doFinal(text);
            } else {
                sha256.update(previous);
                digest = sha256.digest(text);
            }
            return HexFormat.of().formatHex(digest);
        }
    }

    /**
     * Splits a sealed line into its body (what the hash covers), sequence number and hash,
     * or returns null when the line is not sealed.
     */
    public static Link parse(String line) {
        if (line.length() < SUFFIX_LENGTH || !line.endsWith("\"}")
                || !line.startsWith(HASH_KEY, line.length() - SUFFIX_LENGTH)) {
            return null;
        }
        String hash = line.substring(line.length() - 66, line.length() - 2);
        for (int i = 0; i < hash.length(); i++) {
            if (Character.digit(hash.charAt(i), 16) < 0 || Character.isUpperCase(hash.charAt(i))) {
                return null;
            }
        }
        String body = line.substring(0, line.length() - SUFFIX_LENGTH);
        int seqAt = body.lastIndexOf(SEQ_KEY);
        if (seqAt < 0) {
            return null;
        }
        try {
            return new Link(body, Long.parseLong(body.substring(seqAt + SEQ_KEY.length())), hash);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A sealed line taken apart. */
    public record Link(String body, long seq, String hash) {
    }
}
