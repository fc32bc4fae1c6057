package org.openimarchive.receiver.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
        "application/json ; charset=\"utf-8\"", "application/json; foo=bar", "application/json;charset=utf-8;x"})
    void acceptsJsonInUtf8(String contentType) {
        assertNull(ContentTypes.checkJson(contentType));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "text/plain                         | Content-Type text/plain is not application/json",
        "application/jsonx                  | Content-Type application/jsonx is not application/json",
        "application/x-www-form-urlencoded  | Content-Type application/x-www-form-urlencoded is not application/json",
        "application/json; charset=latin1   | charset latin1 is not UTF-8",
        "application/json; charset=utf-16   | charset utf-16 is not UTF-8",
        "'   '                              | Content-Type is missing; expected application/json",
    })
    void refusesOtherTypesAndCharsets(String contentType, String reason) {
        assertEquals(reason, ContentTypes.checkJson(contentType.equals("'   '") ? "   " : contentType));
    }

    @org.junit.jupiter.api.Test
    void refusesAMissingTypeAndCutsLongOnes() {
        assertEquals("Content-Type is missing; expected application/json", ContentTypes.checkJson(null));
        assertEquals("Content-Type " + "a".repeat(64) + "... is not application/json", ContentTypes.checkJson("a".repeat(500)));
    }
}
