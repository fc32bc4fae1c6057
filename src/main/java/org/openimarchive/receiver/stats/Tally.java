package org.openimarchive.receiver.stats;

import java.util.Map;
import java.util.TreeMap;
import org.openimarchive.receiver.audit.MessageFacts;

/** The figures of one period (a day, or all days): counts, distinct counts, breakdowns. */
final class Tally {

    /** Distinct keys kept per breakdown; values past it are counted under "other". */
    static final int MAX_KEYS = 256;

    private long messages;
    private long duplicates;
    private final TreeMap<Integer, Long> refused = new TreeMap<>();
    private final DistinctCount senders = new DistinctCount();
    private final DistinctCount receivers = new DistinctCount();
    private final DistinctCount conversations = new DistinctCount();
    private final Breakdown byContentType = new Breakdown();
    private final Breakdown bySenderPlatformID = new Breakdown();
    private final Breakdown byMsgFrom = new Breakdown();
    private final Breakdown byStatus = new Breakdown();

    /**
     * @param conversation {@link #conversation} of its sender and receiver
     */
    void message(MessageFacts m, String conversation) {
        messages++;
        // users are not counted here: they are the union of senders and receivers
        senders.add(m.sendID());
        receivers.add(m.recvID());
        conversations.add(conversation);
        byContentType.add(m.contentType());
        bySenderPlatformID.add(m.senderPlatformID());
        byMsgFrom.add(m.msgFrom());
        byStatus.add(m.status());
    }

    void duplicate() {
        duplicates++;
    }

    void refused(int status) {
        refused.merge(status, 1L, Long::sum);
    }

    /** An unordered pair: alice→bob and bob→alice are one conversation. */
    static String conversation(String a, String b) {
        return a.compareTo(b) <= 0 ? a + '\u0000' + b : b + '\u0000' + a;
    }

    void appendJson(StringBuilder out) {
        out.append("{\"messages\":").append(messages)
                .append(",\"duplicates\":").append(duplicates)
                .append(",\"refused\":");
        appendCounts(out, refused, null);
        out.append(",\"senders\":");
        senders.appendJson(out);
        out.append(",\"receivers\":");
        receivers.appendJson(out);
        out.append(",\"users\":");
        DistinctCount.appendUnionJson(out, senders, receivers);
        out.append(",\"conversations\":");
        conversations.appendJson(out);
        out.append(",\"byContentType\":");
        byContentType.appendJson(out);
        out.append(",\"bySenderPlatformID\":");
        bySenderPlatformID.appendJson(out);
        out.append(",\"byMsgFrom\":");
        byMsgFrom.appendJson(out);
        out.append(",\"byStatus\":");
        byStatus.appendJson(out);
        out.append('}');
    }

    private static void appendCounts(StringBuilder out, Map<Integer, Long> counts, Long other) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            out.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
            first = false;
        }
        if (other != null && other > 0) {
            out.append(first ? "" : ",").append("\"other\":").append(other);
        }
        out.append('}');
    }

    /** Counts by an int32 key; the values come from senders, so their number is capped. */
    private static final class Breakdown {
        private final TreeMap<Integer, Long> counts = new TreeMap<>();
        private long other;

        void add(int key) {
            Long count = counts.get(key);
            if (count != null) {
                counts.put(key, count + 1);
            } else if (counts.size() < MAX_KEYS) {
                counts.put(key, 1L);
            } else {
                other++;
            }
        }

        void appendJson(StringBuilder out) {
            appendCounts(out, counts, other);
        }
    }
}
