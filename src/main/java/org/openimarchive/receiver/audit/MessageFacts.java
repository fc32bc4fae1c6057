package org.openimarchive.receiver.audit;

import org.openimarchive.receiver.callback.MessageKind;
import org.openimarchive.receiver.callback.MsgCallback;

/**
 * What the statistics and the audit tool need of an accepted message: taken live from the
 * bound callback, and from an audit record's {@code msg}, which holds the same keys and
 * values (see {@link AuditReader}); a number that was not sent counts as zero in both, an
 * identifier that was not sent as empty.
 *
 * @param recvID     the receiver of a one-to-one message, else empty
 * @param groupID    the group of a group message, else empty
 * @param timeMillis the message's {@code sendTime}, or its {@code createTime} from servers
 *                   that send no {@code sendTime}
 */
public record MessageFacts(MessageKind kind, String serverMsgID, String sendID, String recvID, String groupID,
                           int contentType, int senderPlatformID, int msgFrom, int status, long timeMillis) {

    /** The content types of system notifications (protocol.md): 1000 to 5000. */
    static final int FIRST_NOTIFICATION_TYPE = 1000;
    static final int LAST_NOTIFICATION_TYPE = 5000;
    /** The notification types a system sender (msgFrom 200) also uses: common, group, signal, custom. */
    static final int FIRST_SYSTEM_NOTIFICATION_TYPE = 200;
    static final int LAST_SYSTEM_NOTIFICATION_TYPE = 203;
    /** {@code msgFrom} of a message sent by the system or an administrator. */
    static final int MSG_FROM_SYSTEM = 200;

    /**
     * @param callback a callback that {@code CallbackParser} accepted
     */
    public static MessageFacts of(MsgCallback callback) {
        return new MessageFacts(
                callback.kind(),
                callback.serverMsgID(),
                callback.sendID(),
                callback.recvID() == null ? "" : callback.recvID(),
                callback.groupID() == null ? "" : callback.groupID(),
                callback.contentType(),
                callback.senderPlatformID(),
                callback.msgFrom(),
                callback.status(),
                callback.sendTime() != null ? callback.sendTime() : callback.createTime());
    }

    /**
     * Whether this is a system notification rather than what a user sent: a notification
     * content type (1000 to 5000), or a notification type (200 to 203) from the system.
     */
    public boolean isNotification() {
        return (contentType >= FIRST_NOTIFICATION_TYPE && contentType <= LAST_NOTIFICATION_TYPE)
                || (msgFrom == MSG_FROM_SYSTEM && contentType >= FIRST_SYSTEM_NOTIFICATION_TYPE
                && contentType <= LAST_SYSTEM_NOTIFICATION_TYPE);
    }
}
