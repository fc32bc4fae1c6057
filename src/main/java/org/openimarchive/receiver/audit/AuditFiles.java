package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
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
    /** The name of the node that writes the directory, one line, written at each start (see README). */
    public static final String NODE = "audit.node";
    /** What a rolled file's summary adds to its name (see {@link #summaryOf}). */
    public static final String SUMMARY_SUFFIX = ".summary";

    private static final int TAIL_BLOCK = 1 << 16;

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

    /** The rolled files, oldest first: {@link #inOrder} without the active file. */
    public static List<Path> rolled(Path dir) throws IOException {
        List<Path> files = inOrder(dir);
        files.removeIf(f -> f.getFileName().toString().equals(ACTIVE));
        return files;
    }

    /**
     * The rolled file as it lies now: itself, or the {@code .gz} that its compression has
     * made of it since it was listed; null when neither is there (retention removed it).
     */
    public static Path current(Path rolled) {
        if (Files.isRegularFile(rolled)) {
            return rolled;
        }
        Path compressed = rolled.resolveSibling(rolled.getFileName() + ".gz");
        return !rolled.getFileName().toString().endsWith(".gz") && Files.isRegularFile(compressed) ? compressed : null;
    }

    /**
     * Where a rolled file's summary lies: beside it, named after it without {@code .gz}, so
     * that the plain file of a compression cut short and its {@code .gz} share one, and so that
     * the retention's {@code audit-*.jsonl*} removes it with its file.
     */
    public static Path summaryOf(Path rolled) {
        String name = rolled.getFileName().toString().replaceFirst("\\.gz$", "");
        return rolled.resolveSibling(name + SUMMARY_SUFFIX);
    }

    /**
     * The last whole record of a plain (not compressed) file, read from its end backwards,
     * past the remains of writes cut short; null when it holds none. Each line is read once.
     */
    public static AuditRecord lastRecord(Path plain) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(plain.toFile(), "r")) {
            long from = in.length();
            // the start of a line whose beginning lies in a block not read yet
            byte[] carry = new byte[0];
            while (from > 0) {
                int block = (int) Math.min(TAIL_BLOCK, from);
                from -= block;
                byte[] bytes = new byte[block + carry.length];
                in.seek(from);
                in.readFully(bytes, 0, block);
                System.arraycopy(carry, 0, bytes, block, carry.length);
                int end = bytes.length;
                for (int i = bytes.length - 1; i >= 0; i--) {
                    if (bytes[i] == '\n') {
                        AuditRecord record = record(bytes, i + 1, end);
                        if (record != null) {
                            return record;
                        }
                        end = i;
                    }
                }
                if (from == 0) {
                    return record(bytes, 0, end);
                }
                carry = Arrays.copyOf(bytes, end);
            }
        }
        return null;
    }

    /** The record the bytes from {@code from} to {@code to} hold, or null. */
    private static AuditRecord record(byte[] bytes, int from, int to) {
        return to > from ? AuditReader.parse("", 0, new String(bytes, from, to - from, StandardCharsets.UTF_8)) : null;
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

    /** Names the node that writes {@code dir}, in {@link #NODE}: written whole, then renamed into place. */
    public static void writeNode(Path dir, String node) throws IOException {
        Path temporary = dir.resolve(NODE + ".tmp");
        Files.writeString(temporary, node + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, dir.resolve(NODE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The node named in {@code dir}'s {@link #NODE}, or null when it has none (written before nodes had names). */
    public static String node(Path dir) throws IOException {
        Path file = dir.resolve(NODE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String node = Files.readString(file, StandardCharsets.UTF_8).strip();
        return node.isEmpty() ? null : node;
    }
}
