package org.openimarchive.receiver.callback;

import jakarta.json.JsonArray;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.yasson.YassonJsonb;
import org.eclipse.yasson.JsonBindingProvider;

/**
 * Turns a request body into a {@link ParsedCallback}, or says exactly why it is not one.
 *
 * <p>The body is decoded as strict UTF-8, parsed once into a JSON-P tree (duplicate keys
 * and deep nesting refused), checked key by key against the types and ranges OpenIM's Go
 * code produces, and then bound by JSON-B (Yasson) from that tree. Unknown keys are
 * accepted and kept in the tree. Thread-safe: one instance serves every request.
 */
public final class CallbackParser {

    /** Deepest nesting accepted; OpenIM's bodies are two levels deep. */
    static final int MAX_DEPTH = 64;

    private final JsonReaderFactory readerFactory;
    private final JsonParserFactory treeParserFactory;
    private final YassonJsonb jsonb;

    public CallbackParser() {
        JsonProvider json = new org.eclipse.parsson.JsonProviderImpl();
        this.readerFactory = json.createReaderFactory(Map.of(
                JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE,
                org.eclipse.parsson.api.JsonConfig.MAX_DEPTH, MAX_DEPTH));
        this.treeParserFactory = json.createParserFactory(Map.of());
        this.jsonb = (YassonJsonb) new JsonBindingProvider().create().build();
    }

    /**
     * Parses one request body.
     *
     * @throws InvalidCallbackException with a fixed message naming the fault
     */
    public ParsedCallback parse(byte[] body) throws InvalidCallbackException {
        JsonObject json = readObject(decodeUtf8(body));
        try {
            CallbackSchema.check(json);
        } catch (InvalidCallbackException e) {
            JsonValue id = json.get("operationID");
            if (id instanceof JsonString s) {
                e.setOperationID(s.getString());
            }
            throw e;
        }
        return new ParsedCallback(bind(json), json);
    }

    private static String decodeUtf8(byte[] body) throws InvalidCallbackException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw InvalidCallbackException.notUtf8();
        }
    }

    private JsonObject readObject(String text) throws InvalidCallbackException {
        JsonStructure structure;
        try (JsonReader reader = readerFactory.createReader(new StringReader(text))) {
            structure = reader.read();
        } catch (JsonParsingException e) {
            throw syntaxError(e);
        } catch (ArithmeticException | NumberFormatException e) {
            throw InvalidCallbackException.hugeNumber();
        } catch (JsonException e) {
            throw InvalidCallbackException.notJson();
        }
        if (!(structure instanceof JsonObject object)) {
            throw InvalidCallbackException.notObject(CallbackSchema.typeName(structure));
        }
        return object;
    }

    private static InvalidCallbackException syntaxError(JsonParsingException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Duplicate key")) {
            return InvalidCallbackException.duplicateKey();
        }
        if (message.startsWith("Input is too deeply nested")) {
            return InvalidCallbackException.tooDeep();
        }
        JsonLocation at = e.getLocation();
        return at == null
                ? InvalidCallbackException.notJson()
                : InvalidCallbackException.notJsonAt(at.getLineNumber(), at.getColumnNumber());
    }

    private SingleMsgCallback bind(JsonObject json) throws InvalidCallbackException {
        try {
            return jsonb.fromJson(treeParserFactory.createParser(json), SingleMsgCallback.class);
        } catch (JsonbException e) {
            throw InvalidCallbackException.unbindable();
        }
    }
}
