package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code /health} answers a test on loopback, one of {@code callback.adminSources}. */
final class Health {

    private Health() {
    }

    /** UP, with the node's name (the host name unless callback.nodeName is set). */
    static void assertHealthUp(String body) {
        assertTrue(body.matches("\\{\"status\":\"UP\",\"node\":\"[A-Za-z0-9._-]{1,64}\"}"), body);
    }
}
