package org.openimarchive.receiver.tool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.openimarchive.receiver.audit.AuditDirectoryUsage;
import org.openimarchive.receiver.audit.AuditFiles;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.audit.AuditVerifier;
import org.openimarchive.receiver.audit.HmacKeyFile;
import org.openimarchive.receiver.dashboard.DashboardPage;
import org.openimarchive.receiver.stats.AuditReplay;
import org.openimarchive.receiver.stats.Statistics;

/**
 * The operators' command for an audit directory:
 * <pre>
 *   verify  DIR... [--key FILE] [--anchor SEQ:HASH]    check each node's hash chain; exit 0 only when intact
 *   summary DIR... [--from DAY] [--to DAY] [--zone Z] [--days N] [--html FILE]   the /stats figures, of several nodes as of one
 *   find    DIR [--user U] [--conversation A,B] [--group G] [--from TIME] [--to TIME] [--content-type N]
 * </pre>
 * {@code find} prints matching accepted records as JSON lines. Every command reads one line
 * at a time and reports progress on standard error.
 */
public final class AuditTool {

    static final String USAGE = """
            usage: java -jar openim-audit-tool.jar COMMAND DIR [OPTIONS]
              verify  DIR... [--key FILE] [--anchor SEQ:HASH]
                  checks every record of every audit file against the hash chain, and that
                  it passes through the anchor (the head the receiver logged when it stopped);
                  several directories (one per node): each node's chain, --anchor not allowed;
                  exit 0 when intact, 1 at the first break (named), 2 on bad usage
              summary DIR... [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--zone ZONE] [--days N] [--html FILE]
                  prints the /stats document: of the days --from to --to if given,
                  else of the last --days days (default 30), days drawn in --zone (default UTC);
                  several directories (one per node): as one node holding all their records,
                  a serverMsgID recorded by two nodes counted once (a duplicate);
                  with --html, also writes the receiver's dashboard of it to FILE, one
                  self-contained HTML file that opens from disk
              find    DIR [--user ID] [--conversation ID,ID] [--group ID] [--from TIME] [--to TIME] [--content-type N]
                  prints the accepted messages (one-to-one and group) that match every filter, one
                  JSON object a line; --user matches a sender or a one-to-one receiver, --group a
                  group message's groupID;
                  TIME is an ISO instant (2026-11-26T10:00:00Z) or a day (2026-11-26, UTC)
            """;

    private final PrintStream out;
    private final PrintStream err;

    private AuditTool(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new AuditTool(out, err).run(args);
    }

    private int run(String[] args) {
        if (args.length < 2) {
            err.print(USAGE);
            return 2;
        }
        List<Path> dirs = new ArrayList<>();
        int first = 1;
        for (; first < args.length && !args[first].startsWith("--"); first++) {
            dirs.add(Path.of(args[first]));
        }
        Map<String, String> options;
        try {
            options = options(args, first);
            if (dirs.isEmpty() || (dirs.size() > 1 && args[0].equals("find"))) {
                throw new IllegalArgumentException(dirs.isEmpty() ? "no directory given" : "find reads one directory");
            }
            if (dirs.size() > 1 && options.containsKey("anchor")) {
                throw new IllegalArgumentException("--anchor is one node's head: verify its directory alone with it");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                err.println("not a directory: " + dir);
                return 2;
            }
        }
        Path dir = dirs.get(0);
        Set<String> allowed = switch (args[0]) {
            case "verify" -> Set.of("key", "anchor");
            case "summary" -> Set.of("from", "to", "zone", "days", "html");
            case "find" -> Set.of("user", "conversation", "group", "from", "to", "content-type");
            default -> Set.of();
        };
        for (String option : options.keySet()) {
            if (!allowed.contains(option)) {
                err.println("unknown option --" + option + " for " + args[0]);
                err.print(USAGE);
                return 2;
            }
        }
        try {
            return switch (args[0]) {
                case "verify" -> verify(dirs, options);
                case "summary" -> summary(dirs, options);
                case "find" -> find(dir, options);
                default -> {
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException | DateTimeException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("cannot read " + dirs + ": " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> options(String[] args, int first) {
        Map<String, String> options = new HashMap<>();
        for (int i = first; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option VALUE at: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private int verify(List<Path> dirs, Map<String, String> options) throws IOException {
        byte[] key = null;
        if (options.containsKey("key")) {
            key = HmacKeyFile.read(Path.of(options.get("key")));
        }
        AuditVerifier.Anchor anchor = options.containsKey("anchor") ? AuditVerifier.Anchor.parse(options.get("anchor")) : null;
        int status = 0;
        for (Path dir : dirs) {
            // each node's chain is its own: one line per directory, named by its node, when there are several
            String prefix = dirs.size() == 1 ? "" : dir + " (node " + nodeOf(dir) + "): ";
            AuditVerifier.Report report = new AuditVerifier(key).verify(dir, anchor, lines -> err.printf("... %,d lines%n", lines));
            for (String note : report.notes()) {
                out.println(prefix + "note: " + note);
            }
            if (report.intact()) {
                out.printf("%sintact: %,d records in %d files%n", prefix, report.records(), report.files());
            } else {
                out.printf("%sBROKEN at %s%n(%,d records verified before it, in %d files)%n", prefix, report.breakAt(),
                        report.records(), report.files());
                status = 1;
            }
        }
        return status;
    }

    /** The node that wrote {@code dir}, from its {@code audit.node}; the directory's name when it has none. */
    private static String nodeOf(Path dir) throws IOException {
        String node = AuditFiles.node(dir);
        return node != null ? node : String.valueOf(dir.toAbsolutePath().normalize().getFileName());
    }

    private int summary(List<Path> dirs, Map<String, String> options) throws IOException {
        ZoneId zone = ZoneId.of(options.getOrDefault("zone", "UTC"));
        Statistics statistics;
        if (options.containsKey("from") || options.containsKey("to")) {
            LocalDate to = options.containsKey("to") ? LocalDate.parse(options.get("to")) : LocalDate.now(zone);
            LocalDate from = options.containsKey("from") ? LocalDate.parse(options.get("from")) : to;
            if (from.isAfter(to)) {
                throw new IllegalArgumentException("--from " + from + " is after --to " + to);
            }
            statistics = Statistics.forPeriod(zone, from, to);
        } else {
            statistics = new Statistics(zone, Integer.parseInt(options.getOrDefault("days", "30")), Clock.systemUTC());
        }
        List<String> nodes = new ArrayList<>();
        for (Path dir : dirs) {
            String node = dirs.size() == 1 ? AuditFiles.node(dir) : nodeOf(dir);
            if (node != null) {
                nodes.add(node);
            }
        }
        statistics.nodes(nodes);
        if (dirs.size() == 1) {
            // a rolled file's summary stands for it where it is valid: a summary of a period reads every file
            AuditReplay.Result result = new AuditReplay(true, false).replay(dirs.get(0), statistics);
            err.printf("counted %d files: %d from their summaries, %,d records read%n", result.files(), result.summaries(),
                    result.records());
        } else {
            long[] shown = {0};
            AuditReplay.NodesResult result = AuditReplay.replayNodes(dirs, statistics,
                    lines -> err.printf("... %,d lines%n", lines), record -> {
                        if (shown[0]++ < 100) {
                            err.printf("duplicate across nodes: serverMsgID %s at %s, recorded first by another node%n",
                                    record.msg().serverMsgID(), record.at());
                        }
                    });
            err.printf("counted %d nodes (%s) as one: %,d records read, %,d duplicates across nodes%n", dirs.size(),
                    String.join(", ", nodes), result.records(), result.acrossNodes());
            for (String unreadable : result.unreadable()) {
                err.println("unreadable: " + unreadable);
            }
        }
        String json = statistics.toJson();
        out.println(json);
        if (options.containsKey("html")) {
            Path html = Path.of(options.get("html"));
            String node = DashboardPage.nodeJson(false, null, usage(dirs));
            try {
                Files.writeString(html, DashboardPage.selfContained(json, node), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("cannot write " + html + ": " + e.getMessage());
                return 1;
            }
            err.println("wrote the dashboard to " + html);
        }
        return 0;
    }

    /** The directories' files and bytes together; the least room left among them. */
    private static AuditDirectoryUsage usage(List<Path> dirs) {
        int files = 0;
        long bytes = 0;
        long free = Long.MAX_VALUE;
        for (Path dir : dirs) {
            AuditDirectoryUsage usage = AuditDirectoryUsage.of(dir);
            files += usage.files();
            bytes += usage.bytes();
            free = Math.min(free, usage.freeBytes());
        }
        return new AuditDirectoryUsage(files, bytes, free);
    }

    private int find(Path dir, Map<String, String> options) throws IOException {
        Predicate<AuditRecord> filter = filter(options);
        long[] found = {0};
        try (AuditReader reader = AuditReader.open(dir, lines -> err.printf("... %,d lines, %,d found%n", lines, found[0]))) {
            for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                // what the statistics count as a message, and the filters can read
                if (entry instanceof AuditRecord record && record.counts() && record.outcome() == AuditRecord.Outcome.ACCEPTED
                        && filter.test(record)) {
                    out.println(record.line());
                    found[0]++;
                }
            }
            err.printf("%,d records found among %,d lines%n", found[0], reader.lines());
        }
        return 0;
    }

    private static Predicate<AuditRecord> filter(Map<String, String> options) {
        List<Predicate<AuditRecord>> filters = new ArrayList<>();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "user" -> filters.add(r -> value.equals(r.msg().sendID()) || value.equals(r.msg().recvID()));
                case "conversation" -> {
                    String[] pair = value.split(",", -1);
                    if (pair.length != 2) {
                        throw new IllegalArgumentException("--conversation takes two user IDs: A,B");
                    }
                    filters.add(r -> (pair[0].equals(r.msg().sendID()) && pair[1].equals(r.msg().recvID()))
                            || (pair[1].equals(r.msg().sendID()) && pair[0].equals(r.msg().recvID())));
                }
                case "group" -> filters.add(r -> value.equals(r.msg().groupID()));
                case "from" -> {
                    Instant from = instant(value);
                    filters.add(r -> !r.time().isBefore(from));
                }
                case "to" -> {
                    Instant to = value.length() == 10 ? instant(value).plusSeconds(86_400) : instant(value);
                    filters.add(r -> r.time().isBefore(to));
                }
                case "content-type" -> {
                    int contentType = Integer.parseInt(value);
                    filters.add(r -> r.msg().contentType() == contentType);
                }
                default -> throw new IllegalStateException("options are checked before: --" + option.getKey());
            }
        }
        return r -> filters.stream().allMatch(f -> f.test(r));
    }

    private static Instant instant(String value) {
        return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
    }
}
