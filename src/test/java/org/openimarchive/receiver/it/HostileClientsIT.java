package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;

/**
 * Slow or hostile clients cannot starve callbacks, on a stock Tomcat 10.1 connector
 * (maxThreads 200, connectionTimeout 20 s): 200 connections that send half a body and stall,
 * from a source that may post and from one that may not, while a normal callback is sent
 * every 250 ms; every one of those must be answered 200 within a second.
 */
class HostileClientsIT {

    private static final int STALLS = 200;
    private static final Duration STALL = Duration.ofSeconds(6);
    private static final Duration MAX_LATENCY = Duration.ofSeconds(1);
    private static final String COMMAND_PATH = "/" + TomcatServer.APP + "/callbackAfterSendSingleMsgCommand";

    @TempDir
    Path base;

    @Test
    void stalledBodiesFromAnAllowedSourceHoldNoThread() throws Exception {
        run(Map.of("callback.bodyTimeoutSeconds", "2"), null, 408, "allowed source");
    }

    @Test
    void stalledBodiesFromASourceNotAllowedHoldNoThread() throws Exception {
        run(Map.of("callback.allowedSources", "127.0.0.1/32"), InetAddress.getByName("127.0.0.2"), 403, "source not allowed");
    }

    private void run(Map<String, String> properties, InetAddress stallFrom, int refusal, String what) throws Exception {
        try (TomcatServer tomcat = TomcatServer.start(TomcatServer.home("tomcat10.home"), base, properties)) {
            tomcat.deploy();
            List<Socket> stalls = new ArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            try {
                for (int i = 0; i < STALLS; i++) {
                    Socket socket = new Socket();
                    if (stallFrom != null) {
                        socket.bind(new InetSocketAddress(stallFrom, 0));
                    }
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tomcat.uri("/").getPort()), 5_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST " + COMMAND_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "operationID: stall-" + i + "\r\nContent-Length: 1000\r\n\r\n" + "{".repeat(500))
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalls.add(socket);
                }
                // callbacks every 250 ms while the stalls last, and past the body deadline
                long worst = 0;
                int sent = 0;
                long end = System.nanoTime() + STALL.toNanos();
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    byte[] body = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8)
                            .replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", "normal-" + sent).getBytes(StandardCharsets.UTF_8);
                    HttpResponse<String> response = CallbackPost.post(tomcat.uri(COMMAND_PATH), body, "normal-" + sent);
                    long latency = System.nanoTime() - start;
                    worst = Math.max(worst, latency);
                    assertEquals(200, response.statusCode(), what + ": callback " + sent + ": " + response.body());
                    assertTrue(latency < MAX_LATENCY.toNanos(), what + ": callback " + sent + " took " + latency / 1_000_000 + " ms");
                    sent++;
                    Thread.sleep(Math.max(0, 250 - (System.nanoTime() - start) / 1_000_000));
                }
                // what each stalled connection got: its refusal, then the end of the connection
                for (Socket socket : stalls) {
                    // past the body deadline, each must have its reply and its connection closed: at once
                    socket.setSoTimeout(3_000);
                    try {
                        String reply = readAll(socket.getInputStream());
                        if (reply.startsWith("HTTP/1.1 " + refusal + " ")) {
                            answered.incrementAndGet();
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // still open: counted below
                    }
                }
                System.out.printf("hostile clients, %s: %d connections stalled mid-body for %d s; %d callbacks meanwhile,"
                                + " worst %d ms; %d stalled connections answered " + refusal + " and closed%n", what, STALLS,
                        STALL.toSeconds(), sent, worst / 1_000_000, answered.get());
                assertEquals(STALLS, answered.get(), what + ": every stalled connection answered " + refusal + ", then closed");
            } finally {
                for (Socket socket : stalls) {
                    socket.close();
                }
            }
        }
    }

    /** What the server sends until it closes the connection. */
    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
