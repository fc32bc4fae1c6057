package org.openimarchive.receiver.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HmacKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void dropsOnlyTheLineBreaksAtTheEnd() throws Exception {
        Path file = Files.writeString(dir.resolve("key"), "\r\nsecret\nkey\r\n\n");
        assertArrayEquals("\r\nsecret\nkey".getBytes(StandardCharsets.UTF_8), HmacKeyFile.read(file));
    }
}
