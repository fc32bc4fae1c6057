package org.openimarchive.receiver.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a JSON reply with its length, so that nothing else is ever sent around it. */
final class JsonReplies {

    private JsonReplies() {
    }

    static void send(HttpServletResponse response, int status, String json) throws IOException {
        send(response, status, json.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
