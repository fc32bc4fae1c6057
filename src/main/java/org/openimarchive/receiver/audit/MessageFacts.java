package org.openimarchive.receiver.audit;

import org.openimarchive.receiver.callback.SingleMsgCallback;

/**
 * What the statistics and the audit tool need of an accepted message: taken live from the
 * bound callback, and from an audit record's {@code msg}, which holds the same keys and
 * values (see {@link AuditReader}); a number that was not sent counts as zero in both.
 *
 * @param timeMillis the message's {@code sendTime}, or its {@code createTime} from servers
 *                   that send no {@code sendTime}
 */
public record MessageFacts(String serverMsgID, String sendID, String recvID, int contentType,
                           int senderPlatformID, int msgFrom, int status, long timeMillis) {

    /**
     * @param callback a callback that {@code CallbackParser} accepted
     */
    public static MessageFacts of(SingleMsgCallback callback) {
        return new MessageFacts(
                callback.serverMsgID(),
                callback.sendID(),
                callback.recvID(),
                callback.contentType(),
                callback.senderPlatformID(),
                callback.msgFrom(),
                callback.status(),
                callback.sendTime() != null ? callback.sendTime() : callback.createTime());
    }
}
