package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/**
 * Sweeps source addresses inside, outside and at the edges of the configured CIDR blocks:
 * each gets exactly the expected 200 or 403, whatever its {@code X-Forwarded-For} names
 * (an allowed address on a request from a refused source, and the reverse), and leaves
 * exactly one audit record with its status and its connection's address.
 */
class SourceAllowlistIT {

    @TempDir
    Path auditDir;

    /** 127.0.0.0/8 is all loopback on Linux: the client binds each of its source addresses. */
    @Test
    void ipv4SourcesGetExactlyWhatTheirBlocksSayWhateverXForwardedForSays() throws Exception {
        // inside 127.0.0.0/28: .1 to .15; inside 127.0.0.32/30: .32 to .35; .16, .31, .36 are the edges outside
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int n = 1; n <= 40; n++) {
            expected.put("127.0.0." + n, n <= 15 || (n >= 32 && n <= 35) ? 200 : 403);
        }
        expected.put("127.0.0.255", 403);
        expected.put("127.0.1.1", 403);
        expected.put("127.255.255.254", 403);
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.allowedSources", "127.0.0.0/28, 127.0.0.32/30"))) {
            Sweep sweep = new Sweep(war);
            for (Map.Entry<String, Integer> source : expected.entrySet()) {
                sweep.post(source.getKey(), source.getValue(), source.getValue() == 200 ? "10.9.8.7" : "127.0.0.1");
            }
            sweep.checkRecords();
            System.out.println("source allowlist ipv4: " + sweep.summary(expected.size() + " addresses against 127.0.0.0/28, 127.0.0.32/30"));
            sweep.checkStatuses();
        }
    }

    /** Jetty on ::1, one deployment per allowlist: the blocks around ::1, and lists without it. */
    @Test
    void ipv6LoopbackGetsExactlyWhatEachAllowlistSays() throws Exception {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("::1/128", 200);
        expected.put("10.0.0.0/8, 0:0:0:0:0:0:0:1", 200);
        expected.put("::/127", 200);
        expected.put("::/128", 403);
        expected.put("::2/127", 403);
        expected.put("fe80::/10", 403);
        expected.put("127.0.0.0/8", 403);
        Sweep all = new Sweep(null);
        int deployment = 0;
        for (Map.Entry<String, Integer> list : expected.entrySet()) {
            Path dir = Files.createDirectories(auditDir.resolve("deployment-" + ++deployment));
            try (DeployedWar war = DeployedWar.deploy(dir, Map.of("callback.allowedSources", list.getKey()), "::1")) {
                Sweep sweep = new Sweep(war);
                sweep.post("::1", list.getValue(), list.getValue() == 200 ? "fd00::9" : "::1");
                sweep.checkRecords();
                all.add(sweep);
            }
        }
        System.out.println("source allowlist ipv6: " + all.summary("::1 against " + expected.size() + " allowlists"));
        all.checkStatuses();
    }

    /**
     * With addresses of a random ULA /64 added to {@code lo} for the test and removed after
     * it: IPv6 sources in, out and at the edges of the blocks. Skipped where addresses cannot
     * be added (no root, no CAP_NET_ADMIN, no ip command).
     */
    @Test
    void ipv6SourcesGetExactlyWhatTheirBlocksSay() throws Exception {
        byte[] id = new byte[7];
        new SecureRandom().nextBytes(id);
        String hex = HexFormat.of().formatHex(id);
        String prefix = "fd" + hex.substring(0, 2) + ":" + hex.substring(2, 6) + ":" + hex.substring(6, 10) + ":" + hex.substring(10) + "::";
        // inside prefix::/126: ::0 to ::3; inside prefix::10/127: ::10 and ::11; ::4, ::f, ::12 are the edges outside
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put(prefix + "1", 200);
        expected.put(prefix + "3", 200);
        expected.put(prefix + "4", 403);
        expected.put(prefix + "f", 403);
        expected.put(prefix + "10", 200);
        expected.put(prefix + "11", 200);
        expected.put(prefix + "12", 403);
        expected.put(prefix + "1:0:0", 403);
        List<String> added = new ArrayList<>();
        try {
            for (String address : expected.keySet()) {
                boolean ok = ip("-6", "addr", "add", address + "/128", "dev", "lo", "nodad");
                assumeTrue(ok || !added.isEmpty(), "cannot add IPv6 addresses to lo (needs root with CAP_NET_ADMIN and the ip command)");
                assertTrue(ok, "ip -6 addr add " + address);
                added.add(address);
            }
            String list = prefix + "/126, " + prefix + "10/127";
            try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.allowedSources", list), "::1")) {
                Sweep sweep = new Sweep(war);
                for (Map.Entry<String, Integer> source : expected.entrySet()) {
                    sweep.post(source.getKey(), source.getValue(), source.getValue() == 200 ? "127.0.0.1" : prefix + "1");
                }
                sweep.checkRecords();
                System.out.println("source allowlist ipv6 sources: " + sweep.summary(expected.size() + " addresses against " + list));
                sweep.checkStatuses();
            }
        } finally {
            for (String address : added) {
                ip("-6", "addr", "del", address + "/128", "dev", "lo");
            }
        }
    }

    private static boolean ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false; // no ip command
        }
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** Raw requests to one deployment, each from its own source address, and what came of them. */
    private static final class Sweep {

        /** What one request from {@code source} was expected to get, and got. */
        record Result(String source, int expected, int got) {
        }

        private final DeployedWar war;
        private final List<Result> results = new ArrayList<>();

        Sweep(DeployedWar war) {
            this.war = war;
        }

        /**
         * Posts a message from {@code source} naming {@code forwardedFor}, notes its status, and
         * checks that the reply and its one audit record say the same.
         */
        void post(String source, int expectedStatus, String forwardedFor) throws IOException {
            String operationID = "from-" + source + "-" + results.size();
            byte[] body = Json.createObjectBuilder(Json.createReader(new StringReader(
                    new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8))).readObject())
                    .add("serverMsgID", operationID).build().toString().getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + DeployedWar.COMMAND_PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\noperationID: " + operationID + "\r\n"
                    + "X-Forwarded-For: " + forwardedFor + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            DeployedWar.RawResponse r = war.raw(request, InetAddress.getByName(source));
            results.add(new Result(source, expectedStatus, r.status()));
            if (r.status() == 403) {
                assertEquals("{\"actionCode\":1,\"errCode\":403,\"errMsg\":\"source address not allowed\",\"errDlt\":\"source address "
                        + remoteAddr(source) + " is not in callback.allowedSources\",\"nextCode\":0}", r.body());
            } else {
                assertEquals(200, r.status(), "from " + source + ": " + r.body());
                assertEquals("{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}", r.body());
            }
            JsonObject record = war.auditRecord(operationID);
            assertEquals(r.status(), record.getInt("status"), record.toString());
            assertEquals(r.status() == 200 ? "accepted" : "rejected", record.getString("outcome"));
            assertEquals(remoteAddr(source), record.getString("remoteAddr"));
            if (r.status() == 403) {
                // nothing of a refused source is read: its declared length, no hash
                assertEquals(body.length, record.getInt("bodyBytes"));
                assertTrue(record.isNull("bodySha256"), record.toString());
            } else {
                assertEquals(operationID, record.getJsonObject("msg").getString("serverMsgID"));
            }
        }

        /** Nothing was recorded but the posted requests (each checked by {@link #post}) and the deployment check. */
        void checkRecords() throws IOException {
            List<JsonObject> records = war.auditRecords();
            assertEquals(results.size() + 1, records.size(), records.toString());
        }

        /** Adds the results of another sweep to this one's. */
        void add(Sweep other) {
            results.addAll(other.results);
        }

        String summary(String tried) {
            long want200 = results.stream().filter(r -> r.expected() == 200).count();
            long got200 = results.stream().filter(r -> r.got() == 200).count();
            return String.format("%s, expected %d x 200 and %d x 403, got %d x 200 and %d x 403",
                    tried, want200, results.size() - want200, got200, results.size() - got200);
        }

        /** Each source got exactly its expected status. */
        void checkStatuses() {
            assertEquals(results.stream().map(r -> r.source() + " " + r.expected()).toList(),
                    results.stream().map(r -> r.source() + " " + r.got()).toList());
        }

        /** The address as the container reports it: IPv6 in full, bracketed, as Jetty writes it. */
        private static String remoteAddr(String source) throws IOException {
            InetAddress address = InetAddress.getByName(source);
            return source.contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        }
    }
}
