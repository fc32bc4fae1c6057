package org.openimarchive.receiver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
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
