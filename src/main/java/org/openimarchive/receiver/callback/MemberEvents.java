package org.openimarchive.receiver.callback;

import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The known members of a callback as {@link StreamingCheck} read them, replayed as a JSON-P
 * parser for JSON-B to bind, so that the text is not parsed a second time: the events of
 * one object, its keys and values as the check's parser gave them, without the members of
 * unknown keys (there is nothing to bind them to). Every number in it is a plain integer
 * that fits a long; {@link #getInt} keeps its low 32 bits, as Parsson does. Written once,
 * then read once, by one thread.
 */
final class MemberEvents implements JsonParser {

    private static final JsonLocation NOWHERE = new JsonLocation() {
        @Override
        public long getLineNumber() {
            return -1;
        }

        @Override
        public long getColumnNumber() {
            return -1;
        }

        @Override
        public long getStreamOffset() {
            return -1;
        }
    };

    private Event[] events = new Event[48];
    /** A key's or a value's text, at the index of its event. */
    private String[] texts = new String[48];
    private int size;
    /** Index of the current event; -1 before the first. */
    private int at = -1;

    MemberEvents() {
        add(Event.START_OBJECT, null);
    }

    void add(Event event, String text) {
        if (size == events.length) {
            events = Arrays.copyOf(events, size * 2);
            texts = Arrays.copyOf(texts, size * 2);
        }
        events[size] = event;
        texts[size++] = text;
    }

    /** Ends the object: what {@link StreamingCheck} calls once it vouches for it. */
    MemberEvents finish() {
        add(Event.END_OBJECT, null);
        return this;
    }

    @Override
    public boolean hasNext() {
        return at + 1 < size;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return events[++at];
    }

    @Override
    public String getString() {
        String text = at < 0 ? null : texts[at];
        if (text == null) {
            throw new IllegalStateException("not at a key, string or number");
        }
        return text;
    }

    @Override
    public boolean isIntegralNumber() {
        return true;
    }

    @Override
    public int getInt() {
        return (int) getLong();
    }

    @Override
    public long getLong() {
        number();
        return Long.parseLong(texts[at]);
    }

    @Override
    public BigDecimal getBigDecimal() {
        number();
        return new BigDecimal(texts[at]);
    }

    private void number() {
        if (at < 0 || events[at] != Event.VALUE_NUMBER) {
            throw new IllegalStateException("not at a number");
        }
    }

    @Override
    public JsonLocation getLocation() {
        return NOWHERE;
    }

    @Override
    public void close() {
    }
}
