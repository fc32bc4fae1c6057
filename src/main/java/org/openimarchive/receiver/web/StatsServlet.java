package org.openimarchive.receiver.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /stats}: the statistics document (see README). */
public final class StatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonReplies.send(response, 200, ReceiverLifecycle.receiver(getServletContext()).statistics().toJson());
    }
}
