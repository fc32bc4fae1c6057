package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One receiver per audit directory: an exclusive lock on {@code audit.lock}, held while the
 * receiver runs. Two receivers writing one {@code audit.jsonl} (two WARs, a parallel
 * deployment, a second JVM) would write over each other's records.
 */
public final class AuditDirectoryLock implements AutoCloseable {

    static final String FILE = "audit.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private AuditDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws IllegalStateException when another receiver, in this JVM or another, holds it
     */
    public static AuditDirectoryLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("callback.audit.dir: " + dir + " is in use by another running receiver"
                        + " (it holds " + file + "); give each deployment its own audit directory");
            }
            return new AuditDirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("callback.audit.dir: cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more can be done
            }
        }
    }
}
