package org.openimarchive.receiver.callback;

/**
 * A valid callback in two forms: the bound {@link MsgCallback}, and the JSON object
 * as received, with every key in its order, unknown keys included, for the audit record.
 */
public record ParsedCallback(MsgCallback callback, ReceivedJson json) {
}
