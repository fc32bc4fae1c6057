package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The audit directory made ready at start-up: created if missing and proved writable. */
public final class AuditDirectory {

    private AuditDirectory() {
    }

    /**
     * Creates {@code dir} if needed and writes and deletes a probe file in it.
     *
     * @return the fault, naming the directory, or null when the receiver can write there
     */
    public static String prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            return "cannot create directory " + dir + " (" + e.getClass().getSimpleName() + ")";
        }
        try {
            Path probe = Files.createTempFile(dir, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            return "cannot write in directory " + dir + " (" + e.getClass().getSimpleName() + ")";
        }
        return null;
    }
}
