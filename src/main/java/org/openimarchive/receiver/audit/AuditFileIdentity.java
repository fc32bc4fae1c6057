package org.openimarchive.receiver.audit;

import java.io.BufferedReader;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * What tells the contents of one audit file from any other's: its first and last links of
 * the hash chain, and its bytes and their CRC-32 (decompressed). Checked against a rolled
 * file without reading it whole: its first record, and gzip's trailer (or, for a plain
 * file, its size and its last record).
 *
 * @param firstSeq the first whole record's {@code seq}; 0 for a file without records, or
 *                 whose first record was written before the chain existed (and so for the last)
 */
public record AuditFileIdentity(long firstSeq, String firstHash, long lastSeq, String lastHash, long bytes, long crc32) {

    /** Whether {@code file}, a rolled audit file ({@code .gz} or plain), holds exactly these contents. */
    public boolean matches(Path file) {
        try {
            AuditChain.Link first = firstLink(file);
            if (first == null ? firstSeq != 0 : first.seq() != firstSeq || !first.hash().equals(firstHash)) {
                return false;
            }
            if (file.getFileName().toString().endsWith(".gz")) {
                long[] trailer = gzipTrailer(file);
                return trailer[0] == crc32 && trailer[1] == (bytes & 0xFFFF_FFFFL);
            }
            AuditRecord lastRecord = AuditFiles.lastRecord(file);
            AuditChain.Link last = lastRecord == null ? null : lastRecord.link();
            return Files.size(file) == bytes
                    && (last == null ? lastSeq == 0 : last.seq() == lastSeq && last.hash().equals(lastHash));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The link of the file's first whole record: null when it has none, or when that record
     * was written before the chain existed. Reads only as far as that record.
     */
    static AuditChain.Link firstLink(Path file) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(AuditFiles.open(file), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                AuditRecord record = line.isEmpty() ? null : AuditReader.parse("", 0, line);
                if (record != null) {
                    return record.link();
                }
            }
        }
        return null;
    }

    /** gzip's last eight bytes: the CRC-32 and the length (modulo 2^32) of what it holds. */
    private static long[] gzipTrailer(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            if (in.length() < 18) {
                throw new IOException("not a whole gzip file: " + file);
            }
            in.seek(in.length() - 8);
            byte[] b = new byte[8];
            in.readFully(b);
            return new long[] {littleEndian(b, 0), littleEndian(b, 4)};
        }
    }

    private static long littleEndian(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    public void write(DataOutput out) throws IOException {
        out.writeLong(firstSeq);
        out.writeUTF(firstHash);
        out.writeLong(lastSeq);
        out.writeUTF(lastHash);
        out.writeLong(bytes);
        out.writeLong(crc32);
    }

    public static AuditFileIdentity read(DataInput in) throws IOException {
        return new AuditFileIdentity(in.readLong(), in.readUTF(), in.readLong(), in.readUTF(), in.readLong(), in.readLong());
    }

    /** Builds the identity of a file line by line, as it is written or read. Not thread-safe. */
    public static final class Builder {
        private final CRC32 crc = new CRC32();
        private long bytes;
        private boolean hasRecord;
        private long firstSeq;
        private String firstHash = "";
        private long lastSeq;
        private String lastHash = "";

        /** Text written whole by one write: its lines, the line break after the last counted here. */
        public void written(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            crc.update(utf8);
            crc.update('\n');
            bytes += utf8.length + 1L;
        }

        /** The next whole record, in file order: its link, or null for one written before the chain existed. */
        public void record(AuditChain.Link link) {
            record(link == null ? 0 : link.seq(), link == null ? "" : link.hash());
        }

        /** The next whole record, in file order, by its place in the chain. */
        public void record(long seq, String hash) {
            if (!hasRecord) {
                hasRecord = true;
                firstSeq = seq;
                firstHash = hash;
            }
            lastSeq = seq;
            lastHash = hash;
        }

        /** The identity of what was added, with the file's bytes and CRC-32 as given. */
        public AuditFileIdentity build(long fileBytes, long fileCrc32) {
            return new AuditFileIdentity(firstSeq, firstHash, lastSeq, lastHash, fileBytes, fileCrc32);
        }

        /** The identity of what was added, bytes and CRC-32 included. */
        public AuditFileIdentity build() {
            return build(bytes, crc.getValue());
        }
    }
}
