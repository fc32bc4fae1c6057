package org.openimarchive.receiver.callback;

import org.openimarchive.receiver.json.JsonText;

/**
 * A request body that is not a valid message callback. The
 * message is a fixed phrase, filled in with the key and value at fault; it never holds a
 * stack trace or a class name and is safe to send back to the caller.
 */
public final class InvalidCallbackException extends Exception {

    private static final long serialVersionUID = 1L;

    private String operationID;

    private InvalidCallbackException(String message) {
        super(message, null, false, false);
    }

    /** The body's {@code operationID} when the body was an object that had one, else null. */
    public String operationID() {
        return operationID;
    }

    void setOperationID(String operationID) {
        this.operationID = operationID;
    }

    static InvalidCallbackException notUtf8() {
        return new InvalidCallbackException("body is not valid UTF-8");
    }

    static InvalidCallbackException empty() {
        return new InvalidCallbackException("body is empty");
    }

    static InvalidCallbackException notJson() {
        return new InvalidCallbackException("body is not valid JSON");
    }

    static InvalidCallbackException notJsonAt(long line, long column) {
        return new InvalidCallbackException(
                "body is not valid JSON (line " + line + ", column " + column + ")");
    }

    static InvalidCallbackException hugeNumber() {
        return new InvalidCallbackException("body has a number beyond the parser's limits");
    }

    static InvalidCallbackException tooDeep() {
        return new InvalidCallbackException("body is nested too deeply");
    }

    static InvalidCallbackException duplicateKey() {
        return new InvalidCallbackException("body has a duplicate key");
    }

    static InvalidCallbackException notObject(String type) {
        return new InvalidCallbackException("body is " + type + ", not a JSON object");
    }

    static InvalidCallbackException loneSurrogate() {
        return new InvalidCallbackException("body has an unpaired UTF-16 surrogate escape");
    }

    static InvalidCallbackException missing(String key) {
        return new InvalidCallbackException(key + ": missing");
    }

    static InvalidCallbackException empty(String key) {
        return new InvalidCallbackException(key + ": must not be empty");
    }

    static InvalidCallbackException wrongType(String key, String expected, String actual) {
        return new InvalidCallbackException(key + ": expected " + expected + ", got " + actual);
    }

    static InvalidCallbackException notInteger(String key, String number) {
        return new InvalidCallbackException(key + ": expected an integer, got " + JsonText.echo(number));
    }

    static InvalidCallbackException outOfRange(String key, String number, String range) {
        return new InvalidCallbackException(key + ": " + JsonText.echo(number) + " is out of range for " + range);
    }

    static InvalidCallbackException wrongCommand(String expected, String command) {
        return new InvalidCallbackException("callbackCommand: expected \"" + expected
                + "\", got \"" + JsonText.echo(command) + "\"");
    }

    static InvalidCallbackException unbindable() {
        return new InvalidCallbackException("body does not bind to the callback type");
    }
}
