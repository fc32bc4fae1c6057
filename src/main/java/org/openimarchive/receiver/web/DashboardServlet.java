package org.openimarchive.receiver.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.openimarchive.receiver.core.Receiver;
import org.openimarchive.receiver.dashboard.DashboardPage;

/**
 * {@code GET /dashboard}: the page that charts {@code /stats} (see README); below it, its
 * assets ({@code dashboard.js}, {@code dashboard.css}, Chart.js from its WebJar) and
 * {@code /dashboard/node}, the node's health and audit directory usage. Every reply carries
 * a Content-Security-Policy that lets the page load only this WAR's own scripts, styles and
 * data. Mapped behind {@code AdminSourceFilter}, as {@code /stats} is.
 */
public final class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    // read once: the page and its assets are the WAR's own, and reading them (Chart.js's
    // bundle is some 200 KB, its source map comment cut with a regex) is not for every request
    private transient byte[] page;
    private transient Map<String, DashboardPage.Asset> assets;

    @Override
    public void init() {
        page = DashboardPage.served().getBytes(StandardCharsets.UTF_8);
        assets = DashboardPage.assets();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getPathInfo();
        securityHeaders(response);
        if (name == null) {
            response.setHeader("Cache-Control", "no-store");
            send(response, "text/html;charset=utf-8", page);
        } else if (name.equals("/")) {
            // the page's relative URLs resolve against /dashboard, not /dashboard/
            response.setHeader("Location", request.getContextPath() + "/dashboard");
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
        } else if (name.equals("/node")) {
            Receiver receiver = ReceiverLifecycle.receiver(getServletContext());
            response.setHeader("Cache-Control", "no-store");
            JsonReplies.send(response, 200, DashboardPage.nodeJson(true, receiver.health().problem(), receiver.auditUsage()));
        } else {
            DashboardPage.Asset asset = assets.get(name.substring(1));
            if (asset == null) {
                JsonReplies.send(response, 404, "{\"error\":\"no such dashboard asset\"}");
                return;
            }
            response.setHeader("Cache-Control", "private, max-age=300");
            send(response, asset.contentType(), asset.body());
        }
    }

    private static void securityHeaders(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", DashboardPage.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
    }

    private static void send(HttpServletResponse response, String contentType, byte[] body) throws IOException {
        response.setStatus(200);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
