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
 * file), 503 {@code {"status":"DRAINING"}} while an undeploy drains the node. Anyone may ask,
 * as load balancers do; the reason, which names the audit directory's path, and the node's
 * name go to {@code callback.adminSources} only.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Receiver receiver = ReceiverLifecycle.receiver(getServletContext());
        String problem = receiver.health().problem();
        boolean admin = receiver.config().adminSources().allows(request.getRemoteAddr());
        StringBuilder json = new StringBuilder("{\"status\":");
        int status = 503;
        if (receiver.draining()) {
            json.append("\"DRAINING\"");
        } else if (problem == null) {
            json.append("\"UP\"");
            status = 200;
        } else {
            json.append("\"DOWN\"");
            if (admin) {
                JsonText.appendString(json.append(",\"reason\":"), problem);
            }
        }
        if (admin) {
            JsonText.appendString(json.append(",\"node\":"), receiver.config().nodeName());
        }
        JsonReplies.send(response, status, json.append('}').toString());
    }
}
