package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether audit records can be written now: the active file is in place, and a byte can
 * be written to a new file beside it (which a full disk or a read-only mount refuses).
 */
public final class AuditHealth {

    private final Path dir;

    public AuditHealth(Path dir) {
        this.dir = dir;
    }

    /** Null while records can be written, else why not. */
    public String problem() {
        Path active = dir.resolve(AuditFiles.ACTIVE);
        if (!Files.isRegularFile(active)) {
            return "the active audit file " + active + " is missing";
        }
        try {
            Path probe = Files.createTempFile(dir, ".health-", ".probe");
            try {
                Files.write(probe, new byte[] {'\n'});
            } finally {
                Files.delete(probe);
            }
            return null;
        } catch (IOException e) {
            return "the audit directory " + dir + " cannot be written: " + reason(e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
    }
}
