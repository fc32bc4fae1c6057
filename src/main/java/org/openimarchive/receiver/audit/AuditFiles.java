package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The files of an audit directory, in the order they were written: the rolled files
 * ({@code audit-YYYY-MM-DD-N.jsonl.gz}, or the plain {@code .jsonl} that a rollover cut
 * short left beside a partial {@code .gz}) by date and sequence, then the active
 * {@code audit.jsonl}.
 */
public final class AuditFiles {

    public static final String ACTIVE = "audit.jsonl";

    private static final Pattern ROLLED = Pattern.compile("audit-(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.jsonl(\\.gz)?");

    private AuditFiles() {
    }

    public static List<Path> inOrder(Path dir) throws IOException {
        List<Path> rolled = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> ROLLED.matcher(f.getFileName().toString()).matches()).forEach(rolled::add);
        }
        // a rollover cut short leaves the plain file beside a partial .gz: the plain one is whole
        rolled.removeIf(f -> f.getFileName().toString().endsWith(".gz")
                && rolled.contains(f.resolveSibling(f.getFileName().toString().replaceFirst("\\.gz$", ""))));
        rolled.sort(Comparator.comparing((Path f) -> group(f, 1)).thenComparingLong(f -> Long.parseLong(group(f, 2))));
        Path active = dir.resolve(ACTIVE);
        if (Files.isRegularFile(active)) {
            rolled.add(active);
        }
        return rolled;
    }

    /** The file's bytes, decompressed if it is a {@code .gz}. */
    public static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!file.getFileName().toString().endsWith(".gz")) {
            return in;
        }
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** Whether a non-empty file's last byte is not a line break. */
    public static boolean endsTorn(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return false;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(in.length() - 1);
            return in.read() != '\n';
        }
    }

    private static String group(Path file, int group) {
        Matcher m = ROLLED.matcher(file.getFileName().toString());
        m.matches();
        return m.group(group);
    }
}
