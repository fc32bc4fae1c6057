package org.openimarchive.receiver.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a container started in a process of its own. */
final class ContainerProcess {

    private ContainerProcess() {
    }

    /**
     * Polls {@code condition} until it holds; fails with the container's log if the process
     * exits or the time runs out first.
     */
    static void await(Process process, String what, Duration timeout, BooleanSupplier condition, Supplier<String> log)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the container exited while waiting for " + what + ":\n" + log.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + ":\n" + log.get());
            }
            Thread.sleep(100);
        }
    }
}
