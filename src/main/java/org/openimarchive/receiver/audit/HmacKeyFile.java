package org.openimarchive.receiver.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The key of the audit chain's HMACs, as the receiver and the audit tool read it: the file's
 * bytes less any line breaks (CR, LF) at its end, so that an editor's final newline is no
 * part of the key.
 */
public final class HmacKeyFile {

    private HmacKeyFile() {
    }

    public static byte[] read(Path file) throws IOException {
        byte[] key = Files.readAllBytes(file);
        int length = key.length;
        while (length > 0 && (key[length - 1] == '\n' || key[length - 1] == '\r')) {
            length--;
        }
        return Arrays.copyOf(key, length);
    }
}
