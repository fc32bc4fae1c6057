package org.openimarchive.receiver.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The secret path segments of {@value ReceiverConfig#PATH_TOKEN}: OpenIM signs nothing, so
 * an operator may make the webhook URL itself a secret, {@code <context>/<token>/<command>}.
 * Two may be set at once, so that OpenIM can be moved from one to the other. A candidate is
 * compared by its SHA-256 with every token, in time that does not depend on where, or
 * whether, it differs. Never shown: {@link #toString} is {@code ***}.
 */
public final class PathTokens {

    static final int MIN_LENGTH = 16;
    static final int MAX_LENGTH = 128;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{" + MIN_LENGTH + "," + MAX_LENGTH + "}");

    private final List<String> tokens;
    private final List<byte[]> digests;

    private PathTokens(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.digests = tokens.stream().map(PathTokens::sha256).toList();
    }

    /**
     * Reads one token, or two separated by a comma.
     *
     * @throws IllegalArgumentException naming what is wrong, without the value
     */
    static PathTokens parse(String text) {
        List<String> tokens = new ArrayList<>();
        for (String token : text.split(",", -1)) {
            tokens.add(token.trim());
        }
        if (tokens.size() > 2 || !tokens.stream().allMatch(t -> TOKEN.matcher(t).matches())) {
            // the value is a secret: the fault says what is allowed, never what was given
            throw new IllegalArgumentException("the value (not shown) is not one or two comma-separated tokens of "
                    + MIN_LENGTH + " to " + MAX_LENGTH + " letters, digits, '-' or '_'");
        }
        return new PathTokens(tokens);
    }

    /** Whether {@code candidate} is one of the tokens. */
    public boolean matches(String candidate) {
        byte[] digest = sha256(candidate);
        boolean match = false;
        for (byte[] token : digests) {
            match |= MessageDigest.isEqual(token, digest);
        }
        return match;
    }

    /**
     * {@code text} with every token in it replaced by {@code ***}, so that no record and no
     * reply repeats a token.
     */
    public String redact(String text) {
        String redacted = text;
        for (String token : tokens) {
            redacted = redacted.replace(token, "***");
        }
        return redacted;
    }

    @Override
    public String toString() {
        return "***";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
