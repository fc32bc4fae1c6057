package org.openimarchive.receiver.bench;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The yardstick of the load benchmark: the least a servlet can do for this callback. It
 * drains the body and writes OpenIM's fixed success reply; nothing is parsed or recorded.
 */
@WebServlet("/*")
public final class BareServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final byte[] REPLY =
            "{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}".getBytes(StandardCharsets.UTF_8);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // drained
            }
        }
        response.setContentType("application/json");
        response.setContentLength(REPLY.length);
        response.getOutputStream().write(REPLY);
    }
}
