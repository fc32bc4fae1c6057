package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much an audit directory holds and how much room is left: its audit files (active and
 * rolled, summaries not included), their bytes on disk, and the file system's usable bytes.
 *
 * @param files      the audit files
 * @param bytes      their bytes on disk (rolled files compressed)
 * @param freeBytes  what the file system lets the receiver still write; -1 when it cannot tell
 */
public record AuditDirectoryUsage(int files, long bytes, long freeBytes) {

    /** Measures {@code dir} now: lists it, so ask it when needed (a scrape, a page), not per request. */
    public static AuditDirectoryUsage of(Path dir) {
        int files = 0;
        long bytes = 0;
        try {
            List<Path> all = AuditFiles.inOrder(dir);
            for (Path file : all) {
                try {
                    bytes += Files.size(file);
                    files++;
                } catch (IOException e) {
                    // rolled away or compressed since it was listed
                }
            }
        } catch (IOException e) {
            // an unreadable directory: /health says so
        }
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            free = -1;
        }
        return new AuditDirectoryUsage(files, bytes, free);
    }
}
