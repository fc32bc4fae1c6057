package org.openimarchive.receiver.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A callback POSTed as OpenIM posts it: JSON in UTF-8, with an operationID header, over
 * HTTP/1.1. The one way the integration tests send a callback to whichever container they
 * deployed the WAR on (embedded Jetty, the plugin's Jetty, Tomcat, WildFly).
 */
final class CallbackPost {

    /** How long a reply may take once the request is sent. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private CallbackPost() {
    }

    /** POSTs {@code body} to {@code uri} with {@code operationID}; the reply's body read as UTF-8. */
    static HttpResponse<String> post(URI uri, byte[] body, String operationID) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("operationID", operationID)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
