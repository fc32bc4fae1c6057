package org.openimarchive.receiver.callback;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import org.openimarchive.receiver.json.JsonText;

/**
 * The callback object as received, every key in its order, unknown keys included, written
 * once as one line of JSON text by {@link JsonText}, with the place of its {@code content}
 * member, so that an audit record can copy it whole, without the content, or with the
 * content's value replaced. Immutable.
 */
public final class ReceivedJson {

    private static final String CONTENT = "content";

    private final String text;
    /** Where the content member starts (its key), its value starts, and it ends; -1 without one. */
    private final int contentMember;
    private final int contentValue;
    private final int contentEnd;

    private ReceivedJson(String text, int contentMember, int contentValue, int contentEnd) {
        this.text = text;
        this.contentMember = contentMember;
        this.contentValue = contentValue;
        this.contentEnd = contentEnd;
    }

    /** The whole object as JSON text. */
    public String text() {
        return text;
    }

    /** Whether the object has a {@code content} member with a string value. */
    public boolean hasContent() {
        return contentMember >= 0;
    }

    /** Appends the whole object. */
    public void appendTo(StringBuilder out) {
        out.append(text);
    }

    /** Appends the object without its {@code content} member, if it has one. */
    public void appendWithoutContent(StringBuilder out) {
        if (!hasContent()) {
            out.append(text);
        } else if (text.charAt(contentMember - 1) == ',') {
            // a member before it: drop the comma that leads in
            out.append(text, 0, contentMember - 1).append(text, contentEnd, text.length());
        } else if (text.charAt(contentEnd) == ',') {
            // the first member: drop the comma that follows
            out.append(text, 0, contentMember).append(text, contentEnd + 1, text.length());
        } else {
            out.append("{}");
        }
    }

    /** Appends the object with {@code json} in place of the {@code content} member's value, if it has one. */
    public void appendWithContentValue(StringBuilder out, String json) {
        if (!hasContent()) {
            out.append(text);
        } else {
            out.append(text, 0, contentValue).append(json).append(text, contentEnd, text.length());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedJson r && r.text.equals(text) && r.contentMember == contentMember
                && r.contentValue == contentValue && r.contentEnd == contentEnd;
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /** The tree's members in order, strings as {@link JsonText} writes them. */
    static ReceivedJson of(JsonObject json) {
        Writer out = new Writer(256 + json.size() * 48);
        for (Map.Entry<String, JsonValue> entry : json.entrySet()) {
            if (entry.getValue() instanceof JsonString s) {
                out.key(entry.getKey());
                out.string(s.getString());
            } else {
                JsonText.appendValue(out.key(entry.getKey()), entry.getValue());
            }
        }
        return out.finish();
    }

    /** Writes an object member by member; {@code content} is found by its key. */
    static final class Writer {

        private final StringBuilder out;
        private boolean first = true;
        private int member = -1;
        private int contentMember = -1;
        private int contentValue = -1;
        private int contentEnd = -1;
        private boolean inContent;

        Writer(int capacity) {
            out = new StringBuilder(capacity).append('{');
        }

        /** Starts a member; returns the text that a value other than a string is appended to. */
        StringBuilder key(String key) {
            if (!first) {
                out.append(',');
            }
            first = false;
            member = out.length();
            JsonText.appendString(out, key);
            out.append(':');
            inContent = CONTENT.equals(key);
            return out;
        }

        /** Appends the current member's value, a string. */
        void string(String value) {
            int start = out.length();
            JsonText.appendString(out, value);
            if (inContent) {
                contentMember = member;
                contentValue = start;
                contentEnd = out.length();
            }
        }

        /** Closes the object. */
        ReceivedJson finish() {
            return new ReceivedJson(out.append('}').toString(), contentMember, contentValue, contentEnd);
        }
    }
}
