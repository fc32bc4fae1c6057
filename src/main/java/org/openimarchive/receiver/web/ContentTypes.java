package org.openimarchive.receiver.web;

import java.util.Locale;
import org.openimarchive.receiver.json.JsonText;

/** The one media type a callback may have: {@code application/json}, in UTF-8. */
final class ContentTypes {

    private ContentTypes() {
    }

    /**
     * Checks a Content-Type header: {@code application/json} in any case, with parameters,
     * and a {@code charset}, if any, of UTF-8.
     *
     * @return null when acceptable, else why not
     */
    static String checkJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "Content-Type is missing; expected application/json";
        }
        String[] parts = contentType.split(";", -1);
        String mediaType = parts[0].trim();
        if (!mediaType.equalsIgnoreCase("application/json")) {
            return "Content-Type " + JsonText.echo(mediaType) + " is not application/json";
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i];
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String charset = parameter.substring(eq + 1).trim();
            if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
                charset = charset.substring(1, charset.length() - 1);
            }
            if (!charset.toLowerCase(Locale.ROOT).equals("utf-8")) {
                return "charset " + JsonText.echo(charset) + " is not UTF-8";
            }
        }
        return null;
    }
}
