package org.openimarchive.receiver.callback;

import java.util.List;

/**
 * One {@code callbackAfterSendSingleMsgCommand} call, as OpenIM Server sends it after a
 * one-to-one message was queued for delivery. Immutable; bound by JSON-B from a body that
 * {@link CallbackParser} has already checked for types and ranges.
 *
 * @param sendTime milliseconds since the epoch, or {@code null} when the server (before
 *                 OpenIM 3.8.1) sent no {@code sendTime}
 * @param seq      a uint32, held in a {@code long}
 * @param atUserList never {@code null}: OpenIM sends {@code null} for an empty list
 */
public record SingleMsgCallback(
        String sendID,
        String callbackCommand,
        String serverMsgID,
        String clientMsgID,
        String operationID,
        int senderPlatformID,
        String senderNickname,
        int sessionType,
        int msgFrom,
        int contentType,
        int status,
        Long sendTime,
        long createTime,
        String content,
        long seq,
        List<String> atUserList,
        String faceURL,
        String ex,
        String recvID) {

    /** The only command this receiver accepts. */
    public static final String COMMAND = "callbackAfterSendSingleMsgCommand";

    public SingleMsgCallback {
        atUserList = atUserList == null ? List.of() : List.copyOf(atUserList);
    }
}
