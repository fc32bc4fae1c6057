package org.openimarchive.receiver.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.audit.AuditChain;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.ContentMode;
import org.openimarchive.receiver.callback.CallbackParser;
import org.openimarchive.receiver.callback.InvalidCallbackException;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.config.ReceiverConfig;
import org.openimarchive.receiver.core.Receiver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The servlet-free path of one callback, step by step: request body bytes to a validated
 * callback ({@code parse}), to its audit line ({@code format}), sealed as a link of the
 * hash chain ({@code seal}, SHA-256 or HMAC), and the whole path with the line written to
 * a real audit file and counted in the statistics ({@code record}). Invocations take turns
 * through 4,096 messages from 977 senders; {@code record} also gives each one a serverMsgID
 * never seen before, so that every message is counted as new. {@code record} runs a receiver
 * started as a deployment starts one ({@link Receiver#start}), without HTTP. Run with {@code bench/jmh.sh} (ns/op and, with
 * {@code -prof gc}, bytes allocated per op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PipelineJmh {

    private static final int MESSAGES = 4096;
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final CallbackParser parser = new CallbackParser();
    private final AuditLineFormat format = new AuditLineFormat(ContentMode.FULL);
    /** A second after the fixture's sendTime: every message falls on a counted day. */
    private final Instant time = Instant.ofEpochMilli(1746797848316L + 1000);
    private byte[][] bodies;
    private ParsedCallback[] parsed;
    private AuditChain sha256Chain;
    private AuditChain hmacChain;
    private Path dir;
    private Receiver receiver;
    private int next;
    private int idOffset;
    private long unique;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String template = new String(Fixtures.bytes("good/v3.8-text.json"), StandardCharsets.UTF_8);
        bodies = new byte[MESSAGES][];
        parsed = new ParsedCallback[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
            bodies[i] = template.replace("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6", String.format("%032x", i))
                    .replace("\"sendID\":\"10000\"", "\"sendID\":\"" + (10000 + i % 977) + "\"")
                    .getBytes(StandardCharsets.UTF_8);
            parsed[i] = parser.parse(bodies[i]);
        }
        idOffset = template.indexOf("0b26a3c1f1a6e4d2c9b7a5f3e1d0c8b6");
        sha256Chain = new AuditChain(null, 0, AuditChain.GENESIS);
        hmacChain = new AuditChain(KEY, 0, AuditChain.GENESIS);
        dir = Files.createTempDirectory("pipeline-jmh");
        Map<String, String> parameters = Map.of(ReceiverConfig.AUDIT_DIR, dir.toString(),
                ReceiverConfig.AUDIT_MAX_FILE_SIZE, "256 MB", ReceiverConfig.AUDIT_RETENTION_DAYS, "30");
        receiver = Receiver.start(ReceiverConfig.load(parameters::get, parameters.keySet(), name -> null, Set.of()),
                "/pipeline-jmh", Clock.fixed(time, ZoneOffset.UTC));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        receiver.stop();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private int next() {
        next = (next + 1) & (MESSAGES - 1);
        return next;
    }

    @Benchmark
    public ParsedCallback parse() throws InvalidCallbackException {
        return parser.parse(bodies[next()]);
    }

    @Benchmark
    public String format() {
        return format.accepted(time, "10.0.0.1", "op", parsed[next()]);
    }

    @Benchmark
    public String sealSha256() {
        return seal(sha256Chain);
    }

    @Benchmark
    public String sealHmac() {
        return seal(hmacChain);
    }

    private String seal(AuditChain chain) {
        AuditChain.Sealed sealed = chain.seal(format.accepted(time, "10.0.0.1", "op", parsed[next()]));
        chain.advance(sealed);
        return sealed.line();
    }

    /** What the recorder does for an accepted callback, from the body's bytes: parse, check, format, seal, write, count. */
    @Benchmark
    public boolean record() throws InvalidCallbackException, AuditWriteException {
        byte[] body = bodies[next()];
        // a new serverMsgID, written over the last 16 hex digits of the body's own (ASCII before it)
        long id = ++unique;
        for (int i = 31; i >= 16; i--, id >>>= 4) {
            body[idOffset + i] = (byte) Character.forDigit((int) (id & 0xf), 16);
        }
        ParsedCallback callback = receiver.parser().parse(body);
        return receiver.recorder().accepted(time, "10.0.0.1", callback.callback().operationID(), callback);
    }
}
