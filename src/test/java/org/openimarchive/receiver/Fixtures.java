package org.openimarchive.receiver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The request bodies of src/test/resources/fixtures: good ones OpenIM sends, bad ones it must not. */
public final class Fixtures {

    private Fixtures() {
    }

    public static List<Path> good() {
        return list("good");
    }

    public static List<Path> bad() {
        return list("bad");
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir(name.substring(0, name.indexOf('/'))).resolve(name.substring(name.indexOf('/') + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A one-to-one message body rewritten as OpenIM writes a group message: the group
     * command, {@code sessionType} 3, {@code groupID} in place of {@code recvID} (and the
     * other way round). Bytes that are not UTF-8 are left as they are.
     */
    public static byte[] asGroup(byte[] single) {
        String text = new String(single, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), single)) {
            return single;
        }
        return text.replaceFirst("\"callbackCommand\"(\\s*):(\\s*)\"callbackAfterSendSingleMsgCommand\"",
                        "\"callbackCommand\"$1:$2\"callbackAfterSendGroupMsgCommand\"")
                .replaceFirst("\"sessionType\"(\\s*):(\\s*)1\\b", "\"sessionType\"$1:$23")
                // a body that has both (a newer server's empty groupID) has them swapped
                .replace("\"groupID\"", "\"\u0000\"").replace("\"recvID\"", "\"groupID\"").replace("\"\u0000\"", "\"recvID\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> list(String kind) {
        try (Stream<Path> files = Files.list(dir(kind))) {
            List<Path> list = files.sorted().toList();
            if (list.isEmpty()) {
                throw new IllegalStateException("no fixtures in " + kind);
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path dir(String kind) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + kind).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
