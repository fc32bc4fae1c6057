package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.bench.SenderLoad;

/**
 * Stops Tomcat gracefully (SIGTERM: its shutdown hook stops the connector, waits for the
 * requests in flight, then stops the WAR) while 8 senders post unique messages, three times
 * over: every callback that got 200 must be in the audit files exactly once, every line a
 * whole record, the chain intact, and the chain head the receiver logged as it stopped the
 * last record written.
 */
class GracefulStopIT {

    private static final int STOPS = 3;
    private static final Pattern HEAD = Pattern.compile("audit chain head \\(verify --anchor\\): (\\d+:[0-9a-f]{64})");

    @TempDir
    Path base;

    @Test
    void everyAcknowledgedCallbackIsRecordedOnceWhenTomcatIsStoppedUnderLoad() throws Exception {
        Path home = TomcatServer.home("tomcat10.home");
        Path auditDir = base.resolve("logs/openim-audit");
        SenderLoad load = new SenderLoad();
        for (int stop = 1; stop <= STOPS; stop++) {
            TomcatServer tomcat = TomcatServer.start(home, base, Map.of());
            try {
                if (stop == 1) {
                    tomcat.deploy();
                } else {
                    tomcat.await("the WAR to start again", Duration.ofSeconds(60),
                            () -> tomcat.status("/" + TomcatServer.APP + "/health") == 200);
                }
                load.round(tomcat, stop, tomcat::stop);
            } finally {
                tomcat.close();
            }
            // catalina.out of this run only: the next start writes it anew
            String log = tomcat.log();
            assertEquals(lastRecordWritten(auditDir), headLoggedAtStop(log), "stop " + stop);
            assertFalse(log.contains("Unexpected failure while handling a callback"), log);
        }

        SenderLoad.Check check = load.check(auditDir);
        System.out.printf("graceful stop: %d stops, %s%n", STOPS, check.figures());
        assertEquals(List.of(), check.lost());
        assertEquals(List.of(), check.duplicated());
        assertEquals(0, check.tornLines());
        assertNull(check.chain().breakAt(), check.chain().toString());
    }

    /** The one chain head the receiver logged as it stopped. */
    private static String headLoggedAtStop(String log) {
        Matcher m = HEAD.matcher(log);
        assertEquals(true, m.find(), "no chain head logged at stop:\n" + log);
        String head = m.group(1);
        assertFalse(m.find(), "more than one stop logged:\n" + log);
        return head;
    }

    /** The last record of the active audit file, as {@code SEQ:HASH}. */
    private static String lastRecordWritten(Path auditDir) throws Exception {
        List<String> lines = Files.readAllLines(auditDir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        AuditChain.Link last = AuditChain.parse(lines.get(lines.size() - 1));
        return last.seq() + ":" + last.hash();
    }
}
