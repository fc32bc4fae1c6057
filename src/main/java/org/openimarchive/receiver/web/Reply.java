package org.openimarchive.receiver.web;

import java.nio.charset.StandardCharsets;
import org.openimarchive.receiver.json.JsonText;

/**
 * The reply bodies OpenIM expects: {@code actionCode}, {@code errCode}, {@code errMsg},
 * {@code errDlt}, {@code nextCode}, in that order.
 */
final class Reply {

    /** The acknowledgement, the same bytes for every accepted callback. */
    private static final byte[] SUCCESS =
            "{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}"
                    .getBytes(StandardCharsets.UTF_8);

    private Reply() {
    }

    /** The acknowledgement; shared, never to be modified. */
    static byte[] success() {
        return SUCCESS;
    }

    /** A refusal: {@code actionCode} 1, {@code errCode} the HTTP status, the detail in {@code errDlt}. */
    static byte[] error(Refusal refusal, String detail) {
        return error(refusal.status(), refusal.phrase(), detail);
    }

    static byte[] error(int status, String phrase, String detail) {
        StringBuilder out = new StringBuilder(128);
        out.append("{\"actionCode\":1,\"errCode\":").append(status).append(",\"errMsg\":");
        JsonText.appendString(out, phrase);
        out.append(",\"errDlt\":");
        JsonText.appendString(out, detail == null ? "" : detail);
        out.append(",\"nextCode\":0}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
