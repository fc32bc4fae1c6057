package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.TinyFilesystem;

/** The audit directory on a real filesystem that fills up: nothing unwritten is acknowledged. */
class AuditFailureIT {

    @TempDir
    Path dir;

    @Test
    void aFullDiskGets503AndServiceResumesWhenSpaceReturns() throws Exception {
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 256);
             DeployedWar war = DeployedWar.deploy(disk.path(), Map.of())) {
            List<String> acknowledged = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            byte[] body = Fixtures.bytes("good/picture.json");
            // the check of the WAR wrote one record; fill the rest of the disk, then post until it shows
            disk.fill();
            for (int i = 0; i < 20; i++) {
                String operationID = "full-" + i;
                HttpResponse<String> response = war.post(DeployedWar.COMMAND_PATH, body, operationID);
                if (response.statusCode() == 200) {
                    acknowledged.add(operationID);
                } else {
                    assertEquals(503, response.statusCode());
                    assertEquals("{\"actionCode\":1,\"errCode\":503,\"errMsg\":\"audit unavailable\","
                            + "\"errDlt\":\"the audit record could not be written\",\"nextCode\":0}", response.body());
                    refused.add(operationID);
                }
            }
            assertFalse(refused.isEmpty(), "a full disk must refuse");
            HttpResponse<String> down = war.send(java.net.http.HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/health")).GET());
            assertEquals(503, down.statusCode());
            assertTrue(down.body().startsWith("{\"status\":\"DOWN\",\"reason\":\"the audit directory " + disk.path()
                    + " cannot be written: No space left on device\",\"node\":\""), down.body());
            disk.free();
            HttpResponse<String> up = war.send(java.net.http.HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/health")).GET());
            assertEquals(200, up.statusCode());
            HttpResponse<String> after = war.post(DeployedWar.COMMAND_PATH, body, "after");
            assertEquals(200, after.statusCode());
            acknowledged.add("after");

            // every acknowledged callback has one whole record; no refused one has any
            List<String> complete = new ArrayList<>();
            for (String line : Files.readAllLines(disk.path().resolve("audit.jsonl"))) {
                try {
                    JsonObject record = Json.createReader(new StringReader(line)).readObject();
                    complete.add(record.isNull("operationID") ? null : record.getString("operationID"));
                } catch (JsonException torn) {
                    // the remains of a write the full disk cut short: that callback got 503
                }
            }
            for (String operationID : acknowledged) {
                assertEquals(1, complete.stream().filter(operationID::equals).count(), operationID);
            }
            for (String operationID : refused) {
                assertFalse(complete.contains(operationID), operationID);
            }
            // the torn writes are no links: the chain is intact, resumed after each
            var report = new org.openimarchive.receiver.audit.AuditVerifier(null).verify(disk.path(), lines -> { });
            assertEquals(null, report.breakAt(), report.toString());
            assertFalse(report.notes().isEmpty(), "the torn writes are noted");
            System.out.printf("disk full: %d posted, %d acknowledged, %d refused with 503, %d acknowledged found, 0 lost%n",
                    acknowledged.size() + refused.size(), acknowledged.size(), refused.size(),
                    acknowledged.stream().filter(complete::contains).count());
        }
    }
}
