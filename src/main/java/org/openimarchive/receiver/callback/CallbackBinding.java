package org.openimarchive.receiver.callback;

import jakarta.json.bind.JsonbException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.util.List;
import org.eclipse.yasson.JsonBindingProvider;
import org.eclipse.yasson.YassonJsonb;

/**
 * JSON-B (Yasson) binding of a callback that {@link CallbackParser} has checked, from the
 * {@link MemberEvents} of the fast path or from the tree. Yasson binds into {@link Fields},
 * a mutable class, as it binds public fields faster than a record's constructor; the
 * immutable {@link MsgCallback} is made from it here. Unknown keys are skipped; an absent
 * key leaves its field's default. Thread-safe.
 */
final class CallbackBinding {

    private final YassonJsonb jsonb;

    CallbackBinding(JsonProvider json) {
        this.jsonb = (YassonJsonb) new JsonBindingProvider().create().withProvider(json).build();
    }

    MsgCallback bind(JsonParser parser) throws JsonbException {
        return jsonb.fromJson(parser, Fields.class).toRecord();
    }

    /** What Yasson fills: public, as Yasson creates it by reflection, yet out of reach outside the package. */
    public static final class Fields {

        public String sendID;
        public String callbackCommand;
        public String serverMsgID;
        public String clientMsgID;
        public String operationID;
        public int senderPlatformID;
        public String senderNickname;
        public int sessionType;
        public int msgFrom;
        public int contentType;
        public int status;
        public Long sendTime;
        public long createTime;
        public String content;
        public long seq;
        public List<String> atUserList;
        public String faceURL;
        public String ex;
        public String recvID;
        public String groupID;

        MsgCallback toRecord() {
            return new MsgCallback(sendID, callbackCommand, serverMsgID, clientMsgID, operationID, senderPlatformID,
                    senderNickname, sessionType, msgFrom, contentType, status, sendTime, createTime, content, seq,
                    atUserList, faceURL, ex, recvID, groupID);
        }
    }
}
