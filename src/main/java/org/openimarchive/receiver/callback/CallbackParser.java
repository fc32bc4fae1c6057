package org.openimarchive.receiver.callback;

import jakarta.json.JsonConfig;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.parsson.JsonProviderImpl;

/**
 * Turns a request body into a {@link ParsedCallback}, or says exactly why it is not one.
 *
 * <p>The body is decoded as strict UTF-8, checked key by key against the types and ranges
 * OpenIM's Go code produces (duplicate keys and deep nesting refused), and bound by JSON-B
 * (Yasson), in {@link CallbackBinding}. Unknown keys are accepted and kept in the
 * {@link ReceivedJson}. A body of the usual shape takes the fast path, {@link StreamingCheck}:
 * one streaming pass, then Yasson binds the events it recorded of the known members. Any
 * other body, valid or not, takes the tree path: it is parsed into a JSON-P tree, checked
 * by {@link CallbackSchema}, and bound from the tree; every refusal and
 * its message come from this path. Both give the same result for a body the fast path
 * vouches for. Thread-safe: one instance serves every request.
 */
public final class CallbackParser {

    /** Deepest nesting accepted; OpenIM's bodies are two levels deep. */
    static final int MAX_DEPTH = 64;

    private final JsonParserFactory parserFactory;
    /** Without the settings above: the streaming check applies its own, and a tree bound from is already checked. */
    private final JsonParserFactory plainParserFactory;
    private final CallbackBinding binding;
    private final StreamingCheck streamingCheck;

    public CallbackParser() {
        JsonProvider json = new JsonProviderImpl();
        // Parsson's own settings: its JsonConfig, not jakarta.json's
        this.parserFactory = json.createParserFactory(Map.of(
                JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE,
                org.eclipse.parsson.api.JsonConfig.REJECT_DUPLICATE_KEYS, true,
                org.eclipse.parsson.api.JsonConfig.MAX_DEPTH, MAX_DEPTH));
        this.plainParserFactory = json.createParserFactory(Map.of());
        // Yasson with the checks' JSON-P, not whichever one the container offers first
        this.binding = new CallbackBinding(json);
        this.streamingCheck = new StreamingCheck(plainParserFactory);
    }

    /**
     * Parses one request body posted as the one-to-one message command.
     *
     * @throws InvalidCallbackException with a fixed message naming the fault
     */
    public ParsedCallback parse(byte[] body) throws InvalidCallbackException {
        return parse(body, MessageKind.SINGLE);
    }

    /**
     * Parses one request body posted as {@code kind}'s command.
     *
     * @throws InvalidCallbackException with a fixed message naming the fault
     */
    public ParsedCallback parse(byte[] body, MessageKind kind) throws InvalidCallbackException {
        String text = decodeUtf8(body);
        CallbackSchema schema = CallbackSchema.of(kind);
        StreamingCheck.Checked checked = streamingCheck.check(text, schema);
        if (checked != null) {
            try {
                return new ParsedCallback(binding.bind(checked.members()), checked.json());
            } catch (JsonbException e) {
                // the tree path binds again, and says why not
            }
        }
        return parseTree(text, schema);
    }

    /** The tree path alone: what {@link #parse} falls back to, and what tests compare it with. */
    ParsedCallback parseByTree(byte[] body, MessageKind kind) throws InvalidCallbackException {
        return parseTree(decodeUtf8(body), CallbackSchema.of(kind));
    }

    private ParsedCallback parseTree(String text, CallbackSchema schema) throws InvalidCallbackException {
        JsonObject json = readObject(text);
        try {
            schema.check(json);
        } catch (InvalidCallbackException e) {
            JsonValue id = json.get("operationID");
            if (id instanceof JsonString s) {
                e.setOperationID(s.getString());
            }
            throw e;
        }
        return new ParsedCallback(bind(json), ReceivedJson.of(json));
    }

    private static String decodeUtf8(byte[] body) throws InvalidCallbackException {
        // The JDK's own decoding is the fast one, and it replaces every malformed sequence
        // with U+FFFD: without one in its result, the body was valid UTF-8. Only with one
        // (a replacement, or a U+FFFD that was sent) does the strict decoder tell which.
        String text = new String(body, StandardCharsets.UTF_8);
        return text.indexOf('\uFFFD') < 0 ? text : decodeStrictly(body);
    }

    private static String decodeStrictly(byte[] body) throws InvalidCallbackException {
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
        if (text.isEmpty()) {
            throw InvalidCallbackException.empty();
        }
        try (JsonParser parser = parserFactory.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw InvalidCallbackException.notJson();
            }
            JsonParser.Event first = parser.next();
            if (first != JsonParser.Event.START_OBJECT) {
                throw InvalidCallbackException.notObject(typeName(first));
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw syntaxError(parser.getLocation(), text);
            }
            return object;
        } catch (RuntimeException e) {
            throw refusalOf(e, text);
        }
    }

    /** Parsson's ways of saying no: a located syntax error, or unchecked exceptions with fixed texts. */
    private static InvalidCallbackException refusalOf(RuntimeException e, String text) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Duplicate key")) {
            return InvalidCallbackException.duplicateKey();
        }
        if (message.startsWith("Input is too deeply nested")) {
            return InvalidCallbackException.tooDeep();
        }
        if (e instanceof JsonParsingException p) {
            return syntaxError(p.getLocation(), text);
        }
        if (message.startsWith("Number of BigDecimal source characters")
                || e instanceof ArithmeticException || e instanceof NumberFormatException) {
            return InvalidCallbackException.hugeNumber();
        }
        // whatever else the parser throws, the body was not JSON it could read
        return InvalidCallbackException.notJson();
    }

    /**
     * The fault at {@code at}. Parsson places an unexpected end of the text past it (a column
     * twice the line's length): a place beyond the text is its end, just after its last
     * character.
     */
    private static InvalidCallbackException syntaxError(JsonLocation at, String text) {
        if (at == null) {
            return InvalidCallbackException.notJson();
        }
        String[] lines = text.split("\n", -1);
        long line = at.getLineNumber();
        long column = at.getColumnNumber();
        if (line < 1 || line > lines.length || column > lines[(int) line - 1].length() + 1) {
            line = lines.length;
            column = lines[lines.length - 1].length() + 1;
        }
        return InvalidCallbackException.notJsonAt(line, column);
    }

    private static String typeName(JsonParser.Event event) {
        return switch (event) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER -> "a number";
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            default -> "null";
        };
    }

    private MsgCallback bind(JsonObject json) throws InvalidCallbackException {
        try {
            return binding.bind(plainParserFactory.createParser(json));
        } catch (JsonbException e) {
            throw InvalidCallbackException.unbindable();
        }
    }
}
