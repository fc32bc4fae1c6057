package org.openimarchive.receiver.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openimarchive.receiver.audit.MessageFacts;
import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.json.JsonText;

/**
 * The figures of one period (a day, or all days) of one audit file, or of several merged:
 * counts, distinct counts, breakdowns. It writes itself to an audit file's summary and
 * reads itself back.
 */
final class Tally {

    /** Distinct keys kept per breakdown; values past it are counted under "other". */
    static final int MAX_KEYS = 256;

    private long messages;
    private long notifications;
    private long duplicates;
    private final TreeMap<Integer, Long> refused = new TreeMap<>();
    private final Breakdown<String> passed = new Breakdown<>(KeyCodec.STRING);
    private final TreeMap<String, Long> byConversationKind = new TreeMap<>();
    private final DistinctCount senders = new DistinctCount();
    private final DistinctCount receivers = new DistinctCount();
    private final DistinctCount groups = new DistinctCount();
    private final DistinctCount conversations = new DistinctCount();
    private final Breakdown<Integer> byContentType = new Breakdown<>(KeyCodec.INT);
    private final Breakdown<Integer> bySenderPlatformID = new Breakdown<>(KeyCodec.INT);
    private final Breakdown<Integer> byMsgFrom = new Breakdown<>(KeyCodec.INT);
    private final Breakdown<Integer> byStatus = new Breakdown<>(KeyCodec.INT);

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

    /** Adds everything {@code other} holds to this tally; {@code other} is unchanged. */
    void merge(Tally other) {
        messages += other.messages;
        notifications += other.notifications;
        duplicates += other.duplicates;
        other.refused.forEach((status, count) -> refused.merge(status, count, Long::sum));
        passed.merge(other.passed);
        other.byConversationKind.forEach((kind, count) -> byConversationKind.merge(kind, count, Long::sum));
        senders.merge(other.senders);
        receivers.merge(other.receivers);
        groups.merge(other.groups);
        conversations.merge(other.conversations);
        byContentType.merge(other.byContentType);
        bySenderPlatformID.merge(other.bySenderPlatformID);
        byMsgFrom.merge(other.byMsgFrom);
        byStatus.merge(other.byStatus);
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(messages);
        out.writeLong(notifications);
        out.writeLong(duplicates);
        out.writeInt(refused.size());
        for (Map.Entry<Integer, Long> e : refused.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue());
        }
        passed.write(out);
        out.writeInt(byConversationKind.size());
        for (Map.Entry<String, Long> e : byConversationKind.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        for (DistinctCount count : List.of(senders, receivers, groups, conversations)) {
            count.write(out);
        }
        for (Breakdown<Integer> breakdown : List.of(byContentType, bySenderPlatformID, byMsgFrom, byStatus)) {
            breakdown.write(out);
        }
    }

    static Tally read(DataInput in) throws IOException {
        Tally t = new Tally();
        t.messages = in.readLong();
        t.notifications = in.readLong();
        t.duplicates = in.readLong();
        for (int i = in.readInt(); i > 0; i--) {
            t.refused.put(in.readInt(), in.readLong());
        }
        t.passed.read(in);
        for (int i = in.readInt(); i > 0; i--) {
            t.byConversationKind.put(in.readUTF(), in.readLong());
        }
        for (DistinctCount count : List.of(t.senders, t.receivers, t.groups, t.conversations)) {
            count.read(in);
        }
        for (Breakdown<Integer> breakdown : List.of(t.byContentType, t.bySenderPlatformID, t.byMsgFrom, t.byStatus)) {
            breakdown.read(in);
        }
        return t;
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

    /** How a breakdown's keys are written to a summary. */
    private interface KeyCodec<K> {
        KeyCodec<Integer> INT = new KeyCodec<>() {
            @Override
            public void write(DataOutput out, Integer key) throws IOException {
                out.writeInt(key);
            }

            @Override
            public Integer read(DataInput in) throws IOException {
                return in.readInt();
            }
        };
        KeyCodec<String> STRING = new KeyCodec<>() {
            @Override
            public void write(DataOutput out, String key) throws IOException {
                out.writeUTF(key);
            }

            @Override
            public String read(DataInput in) throws IOException {
                return in.readUTF();
            }
        };

        void write(DataOutput out, K key) throws IOException;

        K read(DataInput in) throws IOException;
    }

    /**
     * Counts by a key; the keys come from senders, so their number is capped. Keys keep the
     * order they were first seen in, so that merging tallies in the order of their files
     * keeps the keys that counting them one by one would.
     */
    private static final class Breakdown<K extends Comparable<K>> {
        private final LinkedHashMap<K, Long> counts = new LinkedHashMap<>();
        private final KeyCodec<K> codec;
        private long other;

        Breakdown(KeyCodec<K> codec) {
            this.codec = codec;
        }

        void add(K key) {
            add(key, 1);
        }

        private void add(K key, long n) {
            Long count = counts.get(key);
            if (count != null) {
                counts.put(key, count + n);
            } else if (counts.size() < MAX_KEYS) {
                counts.put(key, n);
            } else {
                other += n;
            }
        }

        void merge(Breakdown<K> from) {
            from.counts.forEach(this::add);
            other += from.other;
        }

        void write(DataOutput out) throws IOException {
            out.writeInt(counts.size());
            for (Map.Entry<K, Long> e : counts.entrySet()) {
                codec.write(out, e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeLong(other);
        }

        void read(DataInput in) throws IOException {
            for (int i = in.readInt(); i > 0; i--) {
                add(codec.read(in), in.readLong());
            }
            other += in.readLong();
        }

        void appendJson(StringBuilder out) {
            appendCounts(out, new TreeMap<>(counts), other);
        }
    }
}
