package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/**
 * Ten thousand generated requests, from seeded randomness: mutated fixtures, random bytes,
 * wrong content types and charsets, oversized bodies, deep nesting, huge numbers, long
 * strings, invalid UTF-8, lone surrogates, NUL, CR/LF, U+2028 and ANSI escapes in values.
 * Each must get a JSON reply that is a 200 (a mutation can stay a valid callback) or a 4xx,
 * never a 5xx, and leave exactly one single-line audit record. The WAR runs in this JVM: the
 * heap in use after a full GC must not grow from the end of a warm-up batch to the end.
 */
class HostileInputIT {

    private static final int REQUESTS = 10_000;
    private static final int WARM_UP = 1_000;
    private static final int CHECKPOINTS = 3;
    /**
     * About 230 bytes for each of the 9,000 requests after the warm-up: keeping any part of
     * each request (a body, a record, an ID with its map entry) would go past it.
     */
    private static final long MAX_HEAP_GROWTH = 2L << 20;
    private static final String[] NASTY = {"\u0000", "\r\n", "\u2028", "\u2029", "\u001b[2J", "\u001b]0;x\u0007", "\"}", "\\",
        "\uD800", "\uDC00", "\u0085", "\uFEFF", "<script>"};

    @TempDir
    Path auditDir;

    @Test
    void everyGeneratedRequestGetsAJsonReplyAndOneRecordAndNeverA5xx() throws Exception {
        List<byte[]> good = Fixtures.good().stream().map(Fixtures::bytes).toList();
        List<byte[]> bad = Fixtures.bad().stream().map(Fixtures::bytes).toList();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger clientErrors = new AtomicInteger();
        AtomicInteger serverErrors = new AtomicInteger();
        List<Long> heap = new java.util.ArrayList<>();
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            IntFunction<HttpRequest> generate = i -> request(war, new Random(i), good, bad, i);
            // a warm-up batch, then the rest in equal parts, with the heap after a full GC after each
            int[] ends = new int[CHECKPOINTS + 1];
            ends[0] = WARM_UP;
            for (int c = 1; c <= CHECKPOINTS; c++) {
                ends[c] = WARM_UP + (REQUESTS - WARM_UP) * c / CHECKPOINTS;
            }
            int start = 0;
            for (int end : ends) {
                send(senders, http, generate, start, end, ok, clientErrors, serverErrors);
                heap.add(usedHeapAfterGc());
                start = end;
            }
            senders.shutdown();
            assertEquals(200, war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/health")).GET()).statusCode());
        }
        List<String> lines = Files.readAllLines(auditDir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        // one record per request, and the deployment check's
        assertEquals(REQUESTS + 1, lines.size());
        for (String line : lines) {
            Json.createReader(new StringReader(line)).readObject();
            assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x7f), line);
        }
        long growth = heap.get(heap.size() - 1) - heap.get(0);
        System.out.printf("hostile input: %d requests, %d answered 200, %d answered 4xx, %d 5xx, %d audit records;"
                + " heap after GC %s KiB (after %d warm-up requests, then every %d), growth %d KiB (bound %d KiB)%n",
                REQUESTS, ok.get(), clientErrors.get(), serverErrors.get(), lines.size() - 1,
                heap.stream().map(h -> Long.toString(h >> 10)).collect(java.util.stream.Collectors.joining(" / ")),
                WARM_UP, (REQUESTS - WARM_UP) / CHECKPOINTS, growth >> 10, MAX_HEAP_GROWTH >> 10);
        assertEquals(0, serverErrors.get());
        assertTrue(growth < MAX_HEAP_GROWTH, "the heap grew by " + growth + " bytes: " + heap);
    }

    /** Sends requests {@code from} to {@code to} (exclusive) from 4 threads, checking each reply. */
    private static void send(ExecutorService senders, HttpClient http, IntFunction<HttpRequest> generate, int from, int to,
            AtomicInteger ok, AtomicInteger clientErrors, AtomicInteger serverErrors) throws Exception {
        List<Future<?>> all = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            all.add(senders.submit(() -> {
                for (int i = from + thread; i < to; i += 4) {
                    HttpResponse<String> r;
                    try {
                        r = http.send(generate.apply(i), HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException e) {
                        throw new AssertionError("request " + i + " (kind " + new Random(i).nextInt(12) + "): " + e, e);
                    }
                    int status = r.statusCode();
                    if (status >= 500) {
                        serverErrors.incrementAndGet();
                    } else if (status >= 400) {
                        clientErrors.incrementAndGet();
                    } else {
                        ok.incrementAndGet();
                    }
                    assertTrue(status == 200 || (status >= 400 && status < 500), i + ": " + status + " " + r.body());
                    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), i + ": " + r.body());
                    JsonObject reply = Json.createReader(new StringReader(r.body())).readObject();
                    assertEquals(status == 200 ? 0 : status, reply.getInt("errCode"), r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
    }

    /** The heap in use after two full collections. */
    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        Thread.sleep(200);
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static HttpRequest request(DeployedWar war, Random random, List<byte[]> good, List<byte[]> bad, int i) {
        byte[] body;
        String contentType = "application/json; charset=utf-8";
        boolean chunked = false;
        switch (random.nextInt(12)) {
            case 0 -> body = flipBytes(random, good.get(random.nextInt(good.size())));
            case 1 -> {
                body = new byte[random.nextInt(2000)];
                random.nextBytes(body);
            }
            case 2 -> {
                body = good.get(random.nextInt(good.size()));
                contentType = new String[] {"text/plain", "application/xml", "application/json; charset=iso-8859-1",
                    "application/json;charset=utf-16", "", "*/*", "application/json, text/plain"}[random.nextInt(7)];
            }
            case 3 -> {
                body = new byte[(1 << 20) + 1 + random.nextInt(1000)];
                chunked = random.nextBoolean();
            }
            case 4 -> body = ("{\"x\":" + "[".repeat(1 + random.nextInt(5000)) + "]".repeat(random.nextInt(5000)) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            case 5 -> body = replaceValue(random, good, "senderPlatformID", random.nextBoolean() ? "1e999999999"
                    : "9".repeat(1 + random.nextInt(3000)));
            case 6 -> body = replaceValue(random, good, "senderNickname", "\"" + "x".repeat(random.nextInt(200_000)) + "\"");
            case 7 -> {
                body = good.get(random.nextInt(good.size())).clone();
                body[random.nextInt(body.length)] = (byte) (0x80 + random.nextInt(0x80));
            }
            case 8 -> body = replaceValue(random, good, "recvID", "\"\\ud800" + random.nextInt() + "\"");
            case 9 -> {
                String nasty = NASTY[random.nextInt(NASTY.length)];
                String key = new String[] {"sendID", "recvID", "content", "senderNickname", "ex", "operationID"}[random.nextInt(6)];
                body = replaceValue(random, good, key, Json.createValue("v" + nasty + i).toString());
            }
            case 10 -> body = bad.get(random.nextInt(bad.size()));
            default -> body = good.get(random.nextInt(good.size()));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(war.uri(DeployedWar.COMMAND_PATH)).timeout(Duration.ofSeconds(30))
                .header("operationID", "hostile-" + i);
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        byte[] finalBody = body;
        return b.POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(finalBody))
                : HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static byte[] flipBytes(Random random, byte[] fixture) {
        byte[] body = fixture.clone();
        for (int n = 1 + random.nextInt(5); n > 0; n--) {
            body[random.nextInt(body.length)] = (byte) random.nextInt(256);
        }
        return random.nextInt(4) == 0 ? java.util.Arrays.copyOf(body, random.nextInt(body.length)) : body;
    }

    /** A good fixture with the raw JSON value of {@code key} replaced. */
    private static byte[] replaceValue(Random random, List<byte[]> good, String key, String raw) {
        String text = new String(good.get(4 + random.nextInt(4)), StandardCharsets.UTF_8);
        String replaced = text.replaceFirst("\"" + key + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)",
                java.util.regex.Matcher.quoteReplacement("\"" + key + "\":" + raw));
        return replaced.getBytes(StandardCharsets.UTF_8);
    }
}
