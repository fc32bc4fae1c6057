package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyTest {

    @Test
    void successIsExactlyWhatOpenImExpects() {
        assertEquals("{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}",
                new String(Reply.success(), StandardCharsets.UTF_8));
    }

    @Test
    void anErrorCarriesTheStatusThePhraseAndTheDetail() {
        assertEquals("{\"actionCode\":1,\"errCode\":415,\"errMsg\":\"unsupported content type\","
                        + "\"errDlt\":\"charset \\\"x\\\"\\n is not UTF-8\",\"nextCode\":0}",
                new String(Reply.error(Refusal.UNSUPPORTED_MEDIA_TYPE, "charset \"x\"\n is not UTF-8"), StandardCharsets.UTF_8));
    }
}
