package org.openimarchive.receiver;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A real filesystem that can really be filled: a small tmpfs mounted on a temporary
 * directory, to prove what happens when the audit disk is full. Mounting needs root, which
 * CI has; elsewhere the tests that use it are skipped, saying why.
 */
public final class TinyFilesystem implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private TinyFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    public static TinyFilesystem mount(Path mountPoint, int kilobytes) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root; the disk-full tests run on CI, which is root");
        Files.createDirectories(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs", mountPoint.toString());
        return new TinyFilesystem(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Takes every free byte, so that the next write to any file fails. */
    public void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /**
     * Takes every free byte but {@code leaveFree} (whole pages of 4 KiB), so that a write of
     * more than that fails part way.
     */
    public void fill(long leaveFree) throws IOException {
        fill();
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - leaveFree);
        }
    }

    /** Gives the space back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException {
        try {
            run("umount", "-l", mountPoint.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
