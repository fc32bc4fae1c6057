package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.bench.SenderLoad;

/**
 * Kills Tomcat with SIGKILL while 8 senders post unique messages, three times over: every
 * callback that got 200 must be in the audit files exactly once after the restart, every
 * line a whole record but what a write the kill cut short left, and the chain intact.
 */
class CrashIT {

    private static final int KILLS = 3;

    @TempDir
    Path base;

    @Test
    void nothingAcknowledgedIsLostWhenTheJvmIsKilledUnderLoad() throws Exception {
        Path home = TomcatServer.home("tomcat10.home");
        SenderLoad load = new SenderLoad();
        for (int kill = 1; kill <= KILLS; kill++) {
            TomcatServer tomcat = TomcatServer.start(home, base, Map.of());
            try {
                if (kill == 1) {
                    tomcat.deploy();
                } else {
                    tomcat.await("the WAR to start again", Duration.ofSeconds(60),
                            () -> tomcat.status("/" + TomcatServer.APP + "/health") == 200);
                }
                load.round(tomcat, kill, tomcat::kill);
            } finally {
                tomcat.kill();
            }
        }
        // a last start: the receiver resumes the chain after whatever the last kill cut short
        try (TomcatServer tomcat = TomcatServer.start(home, base, Map.of())) {
            tomcat.await("the WAR to start again", Duration.ofSeconds(60),
                    () -> tomcat.status("/" + TomcatServer.APP + "/health") == 200);
            assertEquals(200, load.postOne(tomcat, "after-the-kills"));
        }

        SenderLoad.Check check = load.check(base.resolve("logs/openim-audit"));
        System.out.printf("crash: %d kills, %s%n", KILLS, check.figures());
        assertEquals(List.of(), check.lost());
        assertEquals(List.of(), check.duplicated());
        assertTrue(check.tornLines() <= KILLS, "at most one line cut short per kill: " + check.tornLines());
        assertNull(check.chain().breakAt(), check.chain().toString());
    }
}
