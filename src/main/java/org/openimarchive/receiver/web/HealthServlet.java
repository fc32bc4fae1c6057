package org.openimarchive.receiver.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.openimarchive.receiver.core.Receiver;
import org.openimarchive.receiver.json.JsonText;

/**
 * {@code GET /health}: 200 {@code {"status":"UP"}} while audit records can be written,
 * 503 {@code {"status":"DOWN"}} otherwise (a full disk, a read-only mount, a deleted audit
 * file). Anyone may ask, as load balancers do; the reason, which names the audit
 * directory's path, goes to {@code callback.adminSources} only.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Receiver receiver = ReceiverLifecycle.receiver(getServletContext());
        String problem = receiver.health().problem();
        if (problem == null) {
            JsonReplies.send(response, 200, "{\"status\":\"UP\"}");
        } else if (receiver.config().adminSources().allows(request.getRemoteAddr())) {
            StringBuilder json = new StringBuilder("{\"status\":\"DOWN\",\"reason\":");
            JsonText.appendString(json, problem);
            JsonReplies.send(response, 503, json.append('}').toString());
        } else {
            JsonReplies.send(response, 503, "{\"status\":\"DOWN\"}");
        }
    }
}
