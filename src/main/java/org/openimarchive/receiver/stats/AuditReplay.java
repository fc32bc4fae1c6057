package org.openimarchive.receiver.stats;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Counts the records of an audit directory into {@link Statistics}, oldest file first:
 * the rolled files ({@code audit-YYYY-MM-DD-N.jsonl.gz}, or the plain {@code .jsonl} a
 * rollover left uncompressed) by date and sequence, then the active {@code audit.jsonl}.
 * Lines that are not whole records (the remains of a write a full disk cut short) are
 * skipped and counted.
 */
public final class AuditReplay {

    private static final Pattern ROLLED = Pattern.compile("audit-(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.jsonl(\\.gz)?");

    /**
     * What a replay read.
     *
     * @param unreadable files that could not be read to their end (a damaged .gz), with the reason
     */
    public record Result(int files, long records, long skippedLines, List<String> unreadable) {
    }

    private final JsonParserFactory parsers = new org.eclipse.parsson.JsonProviderImpl().createParserFactory(Map.of());

    /** Replays every audit file of {@code dir} into {@code statistics}. */
    public Result replay(Path dir, Statistics statistics) throws IOException {
        List<Path> files = auditFiles(dir);
        long records = 0;
        long skipped = 0;
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (count(line, statistics)) {
                        records++;
                    } else if (!line.isEmpty()) {
                        skipped++;
                    }
                }
            } catch (IOException e) {
                // what was read of it is counted; the rest cannot be
                unreadable.add(file.getFileName() + ": " + e.getMessage());
            }
        }
        return new Result(files.size(), records, skipped, List.copyOf(unreadable));
    }

    private boolean count(String line, Statistics statistics) {
        JsonObject record;
        try (JsonParser parser = parsers.createParser(new StringReader(line))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return false;
            }
            record = parser.getObject();
        } catch (RuntimeException e) {
            return false;
        }
        try {
            Instant time = Instant.parse(record.getString("time"));
            switch (record.getString("outcome")) {
                case "accepted" -> statistics.countAccepted(time, record.getJsonObject("msg"),
                        record.get("duplicate") == JsonValue.TRUE);
                case "rejected" -> statistics.countRefused(time, record.getInt("status"));
                default -> {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** The audit files in the order they were written. */
    static List<Path> auditFiles(Path dir) throws IOException {
        List<Path> rolled = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> ROLLED.matcher(f.getFileName().toString()).matches()).forEach(rolled::add);
        }
        // a rollover cut short leaves the plain file beside a partial .gz: the plain one is whole
        rolled.removeIf(f -> f.getFileName().toString().endsWith(".gz")
                && rolled.contains(f.resolveSibling(f.getFileName().toString().replaceFirst("\\.gz$", ""))));
        rolled.sort(Comparator.comparing((Path f) -> group(f, 1)).thenComparingLong(f -> Long.parseLong(group(f, 2))));
        Path active = dir.resolve("audit.jsonl");
        if (Files.isRegularFile(active)) {
            rolled.add(active);
        }
        return rolled;
    }

    private static String group(Path file, int group) {
        Matcher m = ROLLED.matcher(file.getFileName().toString());
        m.matches();
        return m.group(group);
    }
}
