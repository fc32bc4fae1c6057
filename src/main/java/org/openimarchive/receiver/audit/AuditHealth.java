package org.openimarchive.receiver.audit;

import java.io.IOException;
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
        if (!Files.isRegularFile(dir.resolve("audit.jsonl"))) {
            return "the active audit file " + dir.resolve("audit.jsonl") + " is missing";
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
        return e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
    }
}
