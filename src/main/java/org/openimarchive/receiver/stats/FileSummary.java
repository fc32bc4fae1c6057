package org.openimarchive.receiver.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.util.zip.CRC32;
import org.openimarchive.receiver.audit.AuditFileIdentity;
import org.openimarchive.receiver.audit.AuditFiles;

/**
 * What the statistics need of one rolled audit file, kept beside it
 * ({@link AuditFiles#summaryOf}) so that a start counts the file without reading it: its
 * {@link Segment}, the time zone its days were cut in, and the {@link AuditFileIdentity} it
 * was counted from. Written atomically (a temporary file, forced to disk, renamed over), with
 * a CRC-32 of its own; one that is missing, damaged, of another zone, or of other contents
 * than its file's is not used, and the file is counted again. Deleting one costs only that.
 */
public final class FileSummary {

    private static final int MAGIC = 0x4F494D53; // "OIMS"
    private static final int VERSION = 1;

    private final AuditFileIdentity identity;
    private final ZoneId zone;
    private final Segment segment;

    public FileSummary(AuditFileIdentity identity, ZoneId zone, Segment segment) {
        this.identity = identity;
        this.zone = zone;
        this.segment = segment;
    }

    public AuditFileIdentity identity() {
        return identity;
    }

    public Segment segment() {
        return segment;
    }

    /**
     * The summary beside {@code rolled}, if it is whole, of the zone {@code zone}, and of
     * exactly the contents {@code rolled} holds; else null.
     */
    public static FileSummary readValid(Path rolled, ZoneId zone) {
        Path file = AuditFiles.summaryOf(rolled);
        FileSummary summary;
        try {
            summary = read(file);
        } catch (IOException | RuntimeException e) {
            // missing, cut short, damaged: the file is counted again
            return null;
        }
        return summary.zone.equals(zone) && summary.identity.matches(rolled) ? summary : null;
    }

    static FileSummary read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 12) {
            throw new IOException("too short");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
            throw new IOException("its checksum does not match");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException("not a summary of this version");
            }
            ZoneId zone = ZoneId.of(in.readUTF());
            AuditFileIdentity identity = AuditFileIdentity.read(in);
            return new FileSummary(identity, zone, Segment.read(in));
        }
    }

    /**
     * Writes this summary beside {@code rolled}: to a temporary file, forced to disk, then
     * renamed over any summary there, and given the file's modification time, so that the
     * retention, which goes by that time, removes both together.
     */
    public void writeBeside(Path rolled) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(zone.getId());
            identity.write(out);
            segment.write(out);
        }
        byte[] body = buffer.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        Path target = AuditFiles.summaryOf(rolled);
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(body));
            channel.write(ByteBuffer.allocate(8).putLong(0, crc.getValue()));
            channel.force(true);
        }
        try {
            Files.setLastModifiedTime(temporary, Files.getLastModifiedTime(rolled));
        } catch (NoSuchFileException e) {
            // the file went (retention): the summary is of no use, but harmless
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
