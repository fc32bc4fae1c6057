package org.openimarchive.receiver.web;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Logger;

/**
 * A warning logged at most once a minute, saying how many like it were held back, so that
 * a flood of refused requests cannot flood the container's log. Every refusal still has
 * its audit record. Thread-safe.
 */
final class ThrottledWarning {

    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong heldBack = new AtomicLong();

    ThrottledWarning(Logger log) {
        this.log = log;
    }

    void warn(String message) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + INTERVAL_NANOS)) {
            long held = heldBack.getAndSet(0);
            log.warn(held == 0 ? message : message + " (and " + held + " more like it in the last minute)");
        } else {
            heldBack.incrementAndGet();
        }
    }
}
