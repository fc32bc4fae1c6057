package org.openimarchive.receiver.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openimarchive.receiver.audit.AuditDirectory;
import org.openimarchive.receiver.audit.AuditSync;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.audit.HmacKeyFile;
import org.openimarchive.receiver.net.SourceAllowlist;

/**
 * How a parameter's text becomes its value, within its bounds. A text that will not do is
 * refused with an {@link IllegalArgumentException} whose message is the fault.
 */
final class Parser {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,13})\\s*(|B|KB|MB|GB)", Pattern.CASE_INSENSITIVE);

    static final Parser CONTENT_MODE = new Parser("", text -> oneOf(text, ContentMode.values(), ContentMode::configName));
    static final Parser AUDIT_SYNC = new Parser("", text -> oneOf(text, AuditSync.values(), AuditSync::configName));
    static final Parser SOURCES = new Parser("", SourceAllowlist::parse);
    static final Parser TIME_ZONE = new Parser("", Parser::timeZone);
    static final Parser AUDIT_DIRECTORY = new Parser("", text -> prepared(absolutePath(text)));
    static final Parser LOG4J_XML = new Parser("", Parser::log4jXml);
    /** One secret path segment, or two (while one replaces the other): never echoed back. */
    static final Parser PATH_TOKENS = new Parser("one or two tokens of " + PathTokens.MIN_LENGTH + " to "
            + PathTokens.MAX_LENGTH + " letters, digits, `-` or `_`, comma-separated", true, PathTokens::parse);

    /** The longest node name. */
    static final int NODE_NAME_MAX = 64;
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]{1," + NODE_NAME_MAX + "}");
    /** A node's name: safe in a file, a JSON string and a Prometheus label as it is. */
    static final Parser NODE = new Parser("1 to " + NODE_NAME_MAX + " letters, digits, `.`, `_` or `-`", text -> {
        if (!NODE_NAME.matcher(text).matches()) {
            throw refused(text, "is not a node name of 1 to " + NODE_NAME_MAX + " letters, digits, '.', '_' or '-'");
        }
        return text;
    });

    private final String bounds;
    private final boolean secret;
    private final Function<String, Object> parse;

    private Parser(String bounds, Function<String, Object> parse) {
        this(bounds, false, parse);
    }

    private Parser(String bounds, boolean secret, Function<String, Object> parse) {
        this.bounds = bounds;
        this.secret = secret;
        this.parse = parse;
    }

    /** Whether the value is a secret: the effective configuration shows {@code ***}, a fault never quotes it. */
    boolean secret() {
        return secret;
    }

    /** A size from {@code min} to {@code max} bytes: bytes, or a number with KB, MB or GB. */
    static Parser size(long min, long max) {
        String bounds = describeSize(min) + " to " + describeSize(max);
        return new Parser(bounds, text -> {
            Matcher m = SIZE.matcher(text);
            if (m.matches()) {
                int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "KB" -> 10;
                    case "MB" -> 20;
                    case "GB" -> 30;
                    default -> 0;
                };
                long n = Long.parseLong(m.group(1));
                long bytes = n <= (Long.MAX_VALUE >> shift) ? n << shift : Long.MAX_VALUE;
                if (bytes >= min && bytes <= max) {
                    return bytes;
                }
            }
            throw refused(text, "is not a size from " + bounds + " (bytes, or a number with KB, MB or GB)");
        });
    }

    /** An int from {@code min} to {@code max}, counting {@code unit}. */
    static Parser wholeNumber(int min, int max, String unit) {
        String bounds = min + " to " + max;
        return new Parser(bounds, text -> {
            try {
                int n = Integer.parseInt(text);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw refused(text, "is not a whole number of " + unit + " from " + bounds);
        });
    }

    /** The bytes of a key file of at least {@code minBytes}, as {@link HmacKeyFile} reads it. */
    static Parser hmacKeyFile(int minBytes) {
        return new Parser("a key of at least " + minBytes + " bytes", text -> {
            Path file = readableFile(text);
            try {
                if (file != null) {
                    byte[] key = HmacKeyFile.read(file);
                    if (key.length >= minBytes) {
                        return key;
                    }
                }
            } catch (IOException e) {
                // refused below
            }
            throw refused(text, "is not the absolute path of a readable file of at least " + minBytes + " bytes");
        });
    }

    /** The directory, once {@link AuditDirectory#prepare} has made it ready. */
    static Path prepared(Path dir) {
        String fault = AuditDirectory.prepare(dir);
        if (fault != null) {
            throw new IllegalArgumentException(fault);
        }
        return dir;
    }

    Object parse(String text) {
        return parse.apply(text);
    }

    /** The bounds for the documentation, such as {@code 1 to 600}; empty when there are none. */
    String bounds() {
        return bounds;
    }

    /** The value whose configuration name is {@code text}, in any case. */
    private static <E> E oneOf(String text, E[] values, Function<E, String> configName) {
        for (E value : values) {
            if (configName.apply(value).equalsIgnoreCase(text)) {
                return value;
            }
        }
        throw refused(text, "is not one of " + Arrays.stream(values).map(configName).collect(Collectors.joining(", ")));
    }

    private static ZoneId timeZone(String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw refused(text, "is not a time zone (such as UTC, Asia/Shanghai or +08:00)");
        }
    }

    private static Path absolutePath(String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw refused(text, "is not a path");
        }
        if (!path.isAbsolute()) {
            throw refused(text, "must be an absolute path");
        }
        return path;
    }

    private static Path log4jXml(String text) {
        Path file = readableFile(text);
        if (file == null) {
            throw refused(text, "is not the absolute path of a readable log4j2 XML file");
        }
        return file;
    }

    /** The file if {@code text} is the absolute path of a readable regular file, else null. */
    private static Path readableFile(String text) {
        try {
            Path file = Path.of(text);
            if (file.isAbsolute() && Files.isRegularFile(file) && Files.isReadable(file)) {
                return file;
            }
        } catch (InvalidPathException e) {
            // not a path
        }
        return null;
    }

    private static IllegalArgumentException refused(String text, String fault) {
        return new IllegalArgumentException("'" + text + "' " + fault);
    }

    private static String describeSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KB";
        }
        return bytes + " bytes";
    }
}
