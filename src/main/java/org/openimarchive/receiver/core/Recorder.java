package org.openimarchive.receiver.core;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.openimarchive.receiver.audit.AuditChainWriter;
import org.openimarchive.receiver.audit.AuditLineFormat;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.callback.MsgCallback;
import org.openimarchive.receiver.callback.ParsedCallback;
import org.openimarchive.receiver.stats.Statistics;

/**
 * Writes audit records to the {@link AuditChainWriter}, and counts them, so that the
 * statistics hold exactly what the audit files hold. Requests that arrive while a write is
 * under way are written together, by group commit: a request's thread formats its record,
 * queues it, and either leads (no write under way) or waits. The leader takes every record
 * queued, up to {@link AuditChainWriter#MAX_BATCH}, decides which are duplicates (of the
 * recent messages, and of each other), writes them in queue order with one write, counts
 * them, hands the lead to the first record queued since, and releases its batch. A request
 * returns only once the write that holds its record has returned; when that write fails,
 * every request of the batch gets its exception and none of them is counted.
 */
public final class Recorder {

    private final AuditChainWriter chain;
    private final AuditLineFormat format;
    private final Statistics statistics;

    /** Held while a batch is written and counted, and by {@link #stop}. */
    private final Object writing = new Object();
    /** Guards {@link #queue} and {@link #leading}. */
    private final Object queueLock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether a thread is leading: writing a batch, or about to take the next one. */
    private boolean leading;
    /** How many writes carried the records so far; guarded by {@link #writing}. */
    private long writes;

    Recorder(AuditChainWriter chain, AuditLineFormat format, Statistics statistics) {
        this.chain = chain;
        this.format = format;
        this.statistics = statistics;
    }

    /**
     * Records an accepted callback.
     *
     * @return whether it was a duplicate
     */
    public boolean accepted(Instant time, String remoteAddr, String operationID, ParsedCallback callback)
            throws AuditWriteException {
        Pending pending = new Pending(format.accepted(time, remoteAddr, operationID, callback), time);
        pending.callback = callback.callback();
        record(pending);
        return pending.duplicate;
    }

    /** Records another webhook, passed with the neutral reply. */
    public void passed(Instant time, String remoteAddr, String operationID, String command, byte[] body)
            throws AuditWriteException {
        Pending pending = new Pending(format.passed(time, remoteAddr, operationID, command, body), time);
        pending.command = command;
        record(pending);
    }

    /** Records a refused request. */
    public void refused(RejectedRequest request) throws AuditWriteException {
        Pending pending = new Pending(format.rejected(request), request.time());
        pending.status = request.status();
        record(pending);
    }

    /**
     * Refuses every later record (its write throws, so its request is answered 503), once the
     * batch being written is done.
     *
     * @return the last record written, as {@code SEQ:HASH}: final
     */
    String stop() {
        synchronized (writing) {
            chain.refuseWrites();
            return chain.head();
        }
    }

    /** How many writes carried the records so far, failed ones included: fewer than the records under load. */
    long writes() {
        synchronized (writing) {
            return writes;
        }
    }

    /** Queues a record, and returns once the write that holds it has returned. */
    private void record(Pending pending) throws AuditWriteException {
        boolean lead;
        boolean next;
        synchronized (queueLock) {
            queue.add(pending);
            lead = !leading;
            leading = true;
            next = queue.size() == 1;
        }
        if (lead || pending.awaitTurn(next)) {
            lead();
        }
        if (pending.unexpected instanceof RuntimeException e) {
            throw e;
        }
        if (pending.unexpected instanceof Error e) {
            throw e;
        }
        if (pending.failure != null) {
            throw pending.failure;
        }
    }

    /**
     * Writes the queued records, the leader's own first among them, then hands the lead on
     * and releases the batch's other requests.
     */
    private void lead() {
        List<Pending> batch;
        synchronized (queueLock) {
            batch = new ArrayList<>(Math.min(queue.size(), AuditChainWriter.MAX_BATCH));
            while (!queue.isEmpty() && batch.size() < AuditChainWriter.MAX_BATCH) {
                batch.add(queue.poll());
            }
        }
        try {
            write(batch);
        } catch (RuntimeException | Error e) {
            // a fault of the receiver's own: each request of the batch fails with it, and the
            // queue goes on, instead of every later request waiting for a lead never handed on
            for (Pending p : batch) {
                p.unexpected = e;
            }
        } finally {
            Pending next;
            synchronized (queueLock) {
                next = queue.peek();
                leading = next != null;
            }
            if (next != null) {
                next.release(Pending.LEAD);
            }
            for (Pending done : batch) {
                done.release(Pending.DONE);
            }
        }
    }

    /** Decides, writes and counts one batch. */
    private void write(List<Pending> batch) {
        synchronized (writing) {
            List<String> records = new ArrayList<>(batch.size());
            Set<String> batchIds = batch.size() > 1 ? new HashSet<>() : Set.of();
            for (Pending p : batch) {
                String record = p.record;
                if (p.callback != null) {
                    String id = p.callback.serverMsgID();
                    p.duplicate = statistics.isDuplicate(id) || (batch.size() > 1 && !batchIds.add(id));
                    if (p.duplicate) {
                        record = AuditLineFormat.markDuplicate(record);
                    }
                }
                records.add(record);
            }
            writes++;
            try {
                chain.write(records);
            } catch (AuditWriteException e) {
                for (Pending p : batch) {
                    p.failure = e;
                }
                return;
            }
            for (Pending p : batch) {
                if (p.callback != null) {
                    statistics.countAccepted(p.time, p.callback, p.duplicate);
                } else if (p.command != null) {
                    statistics.countPassed(p.time, p.command);
                } else {
                    statistics.countRefused(p.time, p.status);
                }
            }
        }
    }

    /** A record queued by a request's thread, and what became of it. */
    private static final class Pending {

        /** About what one write of a few records takes. */
        static final long SPIN_NANOS = 20_000;
        static final int WAITING = 0;
        static final int LEAD = 1;
        static final int DONE = 2;

        final String record;
        final Instant time;
        final Thread thread = Thread.currentThread();
        /** Set for an accepted callback. */
        MsgCallback callback;
        /** Set for a passed webhook. */
        String command;
        /** Of a refused request. */
        int status;
        /** Written by the leader, read after {@link #state} says it is done. */
        boolean duplicate;
        AuditWriteException failure;
        Throwable unexpected;
        volatile int state = WAITING;

        Pending(String record, Instant time) {
            this.record = record;
            this.time = time;
        }

        /**
         * Waits until a leader has written this record, or has handed this thread the lead.
         *
         * @param next whether this record is the first queued behind the write under way: it
         *             then spins for the length of a write before it parks, as a contended
         *             monitor does, so that two requests that meet (as at 2 connections) cost
         *             no context switch; the others park at once, leaving the CPUs to the leader
         * @return whether this thread leads now
         */
        boolean awaitTurn(boolean next) {
            if (next) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (state == WAITING && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            boolean interrupted = false;
            while (state == WAITING) {
                LockSupport.park(this);
                // an interrupt cannot cut the wait short: the record is queued, and will be written
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                thread.interrupt();
            }
            return state == LEAD;
        }

        void release(int to) {
            state = to;
            if (thread != Thread.currentThread()) {
                LockSupport.unpark(thread);
            }
        }
    }
}
