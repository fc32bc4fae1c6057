package org.openimarchive.receiver.stats;

import org.openimarchive.receiver.callback.SingleMsgCallback;

/**
 * What the statistics need of an accepted callback: read live from the bound callback, and
 * at start-up from the audit record's {@code msg}, which holds the same keys and values (see
 * {@code AuditReplay}); a number that was not sent counts as zero in both.
 */
record MessageFacts(String serverMsgID, String sendID, String recvID, int contentType,
                    int senderPlatformID, int msgFrom, int status, long timeMillis) {

    /**
     * @param callback a callback that {@code CallbackParser} accepted
     */
    static MessageFacts of(SingleMsgCallback callback) {
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
