package org.openimarchive.receiver.callback;

import java.util.List;

/**
 * One message callback, as OpenIM Server sends it after a message was queued for delivery:
 * {@code callbackAfterSendSingleMsgCommand} for a one-to-one message (to {@code recvID}) or
 * {@code callbackAfterSendGroupMsgCommand} for a group message (to {@code groupID}), with
 * the same keys otherwise. Immutable; made by {@code CallbackBinding} from what JSON-B
 * (Yasson) bound of a body that {@link CallbackParser} has already checked for types and
 * ranges.
 *
 * @param sendTime   milliseconds since the epoch, or {@code null} when the server (before
 *                   OpenIM 3.8.1) sent no {@code sendTime}
 * @param seq        a uint32, held in a {@code long}
 * @param atUserList never {@code null}: OpenIM sends {@code null} for an empty list
 * @param recvID     the receiver of a one-to-one message; null in a group message
 * @param groupID    the group of a group message; null in a one-to-one message
 */
public record MsgCallback(
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
        String recvID,
        String groupID) {

    public MsgCallback {
        atUserList = atUserList == null ? List.of() : List.copyOf(atUserList);
    }

    /** Which of the two commands this is. */
    public MessageKind kind() {
        return MessageKind.GROUP.command().equals(callbackCommand) ? MessageKind.GROUP : MessageKind.SINGLE;
    }
}
