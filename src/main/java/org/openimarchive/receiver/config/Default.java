package org.openimarchive.receiver.config;

import java.util.function.Function;

/**
 * What a parameter is when it is not set: a value in the parameter's own syntax, parsed like
 * a set one, or else what {@code unset} works out from the system properties (null for no
 * value, which the effective configuration then names {@code shown}).
 *
 * @param value the default in the parameter's syntax, or null
 * @param documented the default as README's configuration table states it (Markdown)
 * @param example the {@code param-value} of web.xml's commented-out list
 * @param shown the effective configuration's word for no value, or null
 * @param unset the value when {@code value} is null, from the system properties
 */
record Default(String value, String documented, String example, String shown,
               Function<Function<String, String>, Object> unset) {

    static Default of(String value) {
        return new Default(value, "`" + value + "`", value, null, null);
    }

    /** No value: the receiver does without, as {@code shown} says. */
    static Default none(String shown, String documented, String example) {
        return new Default(null, documented, example, shown, systemProperties -> null);
    }

    /** A value that depends on the container, found in its system properties. */
    static Default computed(String documented, String example, Function<Function<String, String>, Object> unset) {
        return new Default(null, documented, example, null, unset);
    }
}
