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
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.TinyFilesystem;
import org.openimarchive.receiver.audit.AuditReader;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.audit.AuditVerifier;

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

    @Test
    void thirtyTwoSendersOnADiskThatFillsLoseNothingAcknowledgedAndCountNothingRefused() throws Exception {
        int senders = 32;
        int each = 25;
        try (TinyFilesystem disk = TinyFilesystem.mount(dir.resolve("disk"), 512);
             DeployedWar war = DeployedWar.deploy(disk.path(), Map.of())) {
            String body = new String(Fixtures.bytes("good/picture.json"), StandardCharsets.UTF_8);
            // room for a few hundred records: the disk fills while 32 senders post, mid-write for some writes
            disk.fill(128 << 10);
            Map<String, Integer> status = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                int sender = t;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < each; i++) {
                            String id = "s" + sender + "-" + i;
                            byte[] message = body.replace("5e0c8a1f2b3d4c6e7f8091a2b3c4d5e6", id).getBytes(StandardCharsets.UTF_8);
                            status.put(id, war.post(DeployedWar.COMMAND_PATH, message, id).statusCode());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            disk.free();
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH,
                    body.replace("5e0c8a1f2b3d4c6e7f8091a2b3c4d5e6", "after").getBytes(StandardCharsets.UTF_8), "after").statusCode());
            status.put("after", 200);

            Set<String> acknowledged = new TreeSet<>();
            status.forEach((id, code) -> {
                assertTrue(code == 200 || code == 503, id + ": " + code);
                if (code == 200) {
                    acknowledged.add(id);
                }
            });
            assertEquals(senders * each + 1, status.size());
            assertTrue(acknowledged.size() > 1 && acknowledged.size() < status.size(), acknowledged.size() + " acknowledged");

            // what the reader counts: every acknowledged message once, nothing refused; superseded records are no count
            List<String> counted = new ArrayList<>();
            int superseded = 0;
            try (AuditReader reader = AuditReader.open(disk.path(), n -> { })) {
                for (AuditReader.Entry entry; (entry = reader.next()) != null; ) {
                    if (entry instanceof AuditRecord record && record.msg() != null) {
                        if (record.counts()) {
                            counted.add(record.msg().serverMsgID());
                        } else {
                            superseded++;
                        }
                    }
                }
            }
            assertEquals(new ArrayList<>(acknowledged), counted.stream().sorted().toList());
            var report = new AuditVerifier(null).verify(disk.path(), lines -> { });
            assertEquals(null, report.breakAt(), report.toString());
            HttpResponse<String> stats = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/stats")).GET());
            assertTrue(stats.body().contains("\"total\":{\"messages\":" + acknowledged.size() + ",\"duplicates\":0,"),
                    stats.body());
            System.out.printf("disk filling under %d senders: %d posted, %d acknowledged, all %d counted once; %d refused"
                            + " with 503, none counted (%d of their records whole on disk, superseded)%n", senders,
                    status.size(), acknowledged.size(), counted.size(), status.size() - acknowledged.size(), superseded);
        }
    }
}
