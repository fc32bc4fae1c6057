package org.openimarchive.receiver.callback;

/**
 * The two message callbacks OpenIM sends after a message was sent: their command, and the
 * key that names where the message went.
 */
public enum MessageKind {
    /** A one-to-one message, to a user. */
    SINGLE("callbackAfterSendSingleMsgCommand", "recvID", "single"),
    /** A group message, to a group. */
    GROUP("callbackAfterSendGroupMsgCommand", "groupID", "group");

    private final String command;
    private final String targetKey;
    private final String label;

    MessageKind(String command, String targetKey, String label) {
        this.command = command;
        this.targetKey = targetKey;
        this.label = label;
    }

    /** The command OpenIM posts it with: the last path segment, or {@code ?command=}. */
    public String command() {
        return command;
    }

    /** The key of the receiver ({@code recvID}) or of the group ({@code groupID}). */
    public String targetKey() {
        return targetKey;
    }

    /** Its name in {@code /stats}: {@code single} or {@code group}. */
    public String label() {
        return label;
    }

    /** The kind posted as {@code command}, or null for any other command. */
    public static MessageKind ofCommand(String command) {
        for (MessageKind kind : values()) {
            if (kind.command.equals(command)) {
                return kind;
            }
        }
        return null;
    }
}
