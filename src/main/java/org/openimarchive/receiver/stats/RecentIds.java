package org.openimarchive.receiver.stats;

import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * The most recent {@code capacity} message IDs, as 64-bit hashes: an open-addressing table
 * for lookups and a ring for first-in-first-out eviction. Fixed memory (24 bytes per
 * entry); two different IDs are mistaken for one with probability about n²/2⁶⁵, below one
 * in ten million at a million entries. Not thread-safe.
 */
final class RecentIds {

    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long EMPTY = 0;

    private final long[] ring;
    private final long[] table;
    private final int mask;
    private int next;
    private int size;

    /** @param capacity a power of two */
    RecentIds(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.ring = new long[capacity];
        this.table = new long[capacity * 2];
        this.mask = table.length - 1;
    }

    int capacity() {
        return ring.length;
    }

    static long hash(String id) {
        long h = MurmurHash3.hash(id.getBytes(StandardCharsets.UTF_8), SEED)[0];
        return h == EMPTY ? 1 : h;
    }

    boolean contains(long hash) {
        for (int i = slot(hash); table[i] != EMPTY; i = (i + 1) & mask) {
            if (table[i] == hash) {
                return true;
            }
        }
        return false;
    }

    /** Adds a hash not yet contained, evicting the oldest when full. */
    void add(long hash) {
        if (size == ring.length) {
            remove(ring[next]);
            size--;
        }
        ring[next] = hash;
        next = (next + 1) % ring.length;
        size++;
        int i = slot(hash);
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = hash;
    }

    /** Hands every hash held to {@code action}, oldest first. */
    void forEachOldestFirst(LongConsumer action) {
        int oldest = size < ring.length ? 0 : next;
        for (int i = 0; i < size; i++) {
            action.accept(ring[(oldest + i) % ring.length]);
        }
    }

    /** Linear probing's deletion by backward shift: no tombstones, lookups stay short. */
    private void remove(long hash) {
        int i = slot(hash);
        while (table[i] != hash) {
            i = (i + 1) & mask;
        }
        int gap = i;
        for (int j = (gap + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(table[j]);
            // move j back into the gap unless its home lies cyclically in (gap, j]
            boolean homeInRange = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
            if (!homeInRange) {
                table[gap] = table[j];
                gap = j;
            }
        }
        table[gap] = EMPTY;
    }

    private int slot(long hash) {
        return (int) (hash ^ (hash >>> 32)) & mask;
    }
}
