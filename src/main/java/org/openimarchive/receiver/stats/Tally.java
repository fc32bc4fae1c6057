package org.openimarchive.receiver.stats;

import java.util.Map;
import java.util.TreeMap;
import org.openimarchive.receiver.audit.MessageFacts;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.json.JsonText;

/** The figures of one period (a day, or all days): counts, distinct counts, breakdowns. */
final class Tally {

    /** Distinct keys kept per breakdown; values past it are counted under "other". */
    static final int MAX_KEYS = 256;

    private long messages;
    private long notifications;
    private long duplicates;
    private final TreeMap<Integer, Long> refused = new TreeMap<>();
    private final Breakdown<String> passed = new Breakdown<>();
    private final TreeMap<String, Long> byConversationKind = new TreeMap<>();
    private final DistinctCount senders = new DistinctCount();
    private final DistinctCount receivers = new DistinctCount();
    private final DistinctCount groups = new DistinctCount();
    private final DistinctCount conversations = new DistinctCount();
    private final Breakdown<Integer> byContentType = new Breakdown<>();
    private final Breakdown<Integer> bySenderPlatformID = new Breakdown<>();
    private final Breakdown<Integer> byMsgFrom = new Breakdown<>();
    private final Breakdown<Integer> byStatus = new Breakdown<>();

    /**
     * A message a user sent, one-to-one or to a group.
     *
     * @param conversation {@link #conversation} of the message
     */
    void message(MessageFacts m, String conversation) {
        messages++;
        byConversationKind.merge(m.kind().label(), 1L, Long::sum);
        // users are not counted here: they are the union of senders and receivers
        senders.add(m.sendID());
        if (m.kind() == MessageKind.GROUP) {
            groups.add(m.groupID());
        } else {
            receivers.add(m.recvID());
        }
        conversations.add(conversation);
        byContentType.add(m.contentType());
        bySenderPlatformID.add(m.senderPlatformID());
        byMsgFrom.add(m.msgFrom());
        byStatus.add(m.status());
    }

    /** A system notification: counted apart, and in no other figure. */
    void notification() {
        notifications++;
    }

    void duplicate() {
        duplicates++;
    }

    /** Another webhook, recorded and answered with the neutral reply. */
    void passed(String command) {
        passed.add(command);
    }

    void refused(int status) {
        refused.merge(status, 1L, Long::sum);
    }

    /**
     * A one-to-one conversation is an unordered pair (alice→bob and bob→alice are one); a
     * group is one conversation. The two kinds never share a key.
     */
    static String conversation(MessageFacts m) {
        if (m.kind() == MessageKind.GROUP) {
            return "g:" + m.groupID();
        }
        String a = m.sendID();
        String b = m.recvID();
        return a.compareTo(b) <= 0 ? "p:" + a + '\u0000' + b : "p:" + b + '\u0000' + a;
    }

    void appendJson(StringBuilder out) {
        out.append("{\"messages\":").append(messages)
                .append(",\"duplicates\":").append(duplicates)
                .append(",\"refused\":");
        appendCounts(out, refused, null);
        out.append(",\"notifications\":").append(notifications);
        out.append(",\"passed\":");
        passed.appendJson(out);
        out.append(",\"byConversationKind\":");
        appendCounts(out, byConversationKind, null);
        out.append(",\"senders\":");
        senders.appendJson(out);
        out.append(",\"receivers\":");
        receivers.appendJson(out);
        out.append(",\"users\":");
        DistinctCount.appendUnionJson(out, senders, receivers);
        out.append(",\"groups\":");
        groups.appendJson(out);
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

    private static void appendCounts(StringBuilder out, Map<?, Long> counts, Long other) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, Long> e : counts.entrySet()) {
            out.append(first ? "" : ",");
            JsonText.appendString(out, e.getKey().toString());
            out.append(':').append(e.getValue());
            first = false;
        }
        if (other != null && other > 0) {
            out.append(first ? "" : ",").append("\"other\":").append(other);
        }
        out.append('}');
    }

    /** Counts by a key; the keys come from senders, so their number is capped. */
    private static final class Breakdown<K extends Comparable<K>> {
        private final TreeMap<K, Long> counts = new TreeMap<>();
        private long other;

        void add(K key) {
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
