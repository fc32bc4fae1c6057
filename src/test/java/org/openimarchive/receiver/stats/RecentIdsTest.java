package org.openimarchive.receiver.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentIdsTest {

    @Test
    void remembersTheMostRecentIdsAndForgetsTheOldest() {
        RecentIds ids = new RecentIds(4);
        for (String id : new String[] {"a", "b", "c", "d"}) {
            ids.add(RecentIds.hash(id));
        }
        assertTrue(ids.contains(RecentIds.hash("a")));
        ids.add(RecentIds.hash("e"));
        assertFalse(ids.contains(RecentIds.hash("a")));
        for (String id : new String[] {"b", "c", "d", "e"}) {
            assertTrue(ids.contains(RecentIds.hash(id)), id);
        }
    }

    @Test
    void agreesWithAPlainSetUnderHeavyEvictionAndCollidingSlots() {
        // few distinct slot values force long probe runs, wrap-around and backward shifts
        Random random = new Random(42);
        RecentIds ids = new RecentIds(64);
        ArrayDeque<Long> order = new ArrayDeque<>();
        Set<Long> reference = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            long hash = ((long) random.nextInt(5000) << 32) | random.nextInt(256);
            if (hash == 0) {
                continue;
            }
            assertEquals(reference.contains(hash), ids.contains(hash));
            if (!reference.contains(hash)) {
                ids.add(hash);
                order.add(hash);
                reference.add(hash);
                if (order.size() > 64) {
                    reference.remove(order.poll());
                }
            }
        }
        for (Long hash : reference) {
            assertTrue(ids.contains(hash));
        }
    }

    @Test
    void capacityIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new RecentIds(1000));
    }
}
