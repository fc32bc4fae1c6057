package org.openimarchive.receiver.bench;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.openimarchive.receiver.callback.MsgCallback;

/**
 * The second yardstick of the load benchmark: the least that issue 6's pipeline itself
 * costs, with nothing of the receiver's own. It binds the body to {@link MsgCallback}
 * with JSON-B (Yasson), seals the body as sent into a SHA-256 chain and writes it with its
 * hash through a synchronous, flushing log4j file appender under one lock, then replies.
 * No checks beyond binding, no record format, no statistics, no metrics, no error replies:
 * what it answers is about the most that a receiver can answer when it binds with JSON-B
 * and writes each record, chained, through log4j before it replies.
 */
@WebServlet(urlPatterns = "/*", loadOnStartup = 1)
public final class FloorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The log4j configuration, written by the benchmark with the audit file's path. */
    public static final String LOG4J_CONFIG = "WEB-INF/floor-log4j2.xml";
    private static final byte[] REPLY =
            "{\"actionCode\":0,\"errCode\":0,\"errMsg\":\"\",\"errDlt\":\"\",\"nextCode\":0}".getBytes(StandardCharsets.UTF_8);

    private transient Jsonb jsonb;
    private transient LoggerContext context;
    private transient Logger audit;
    private transient MessageDigest sha256;
    private byte[] head = new byte[32];

    @Override
    public void init() throws ServletException {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ServletException(e);
        }
        jsonb = JsonbBuilder.create();
        URI config = Path.of(getServletContext().getRealPath(LOG4J_CONFIG)).toUri();
        context = Configurator.initialize("floor", getClass().getClassLoader(), config);
        audit = context.getLogger("floor.audit");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readAllBytes();
        }
        MsgCallback callback = jsonb.fromJson(new ByteArrayInputStream(body), MsgCallback.class);
        if (callback.serverMsgID() == null) {
            response.sendError(400);
            return;
        }
        String record = new String(body, StandardCharsets.UTF_8);
        synchronized (this) {
            sha256.update(head);
            head = sha256.digest(record.getBytes(StandardCharsets.UTF_8));
            audit.info(record + HexFormat.of().formatHex(head));
        }
        response.setContentType("application/json");
        response.setContentLength(REPLY.length);
        response.getOutputStream().write(REPLY);
    }

    @Override
    public void destroy() {
        Configurator.shutdown(context);
        try {
            jsonb.close();
        } catch (Exception e) {
            // closing at undeploy: nothing left to do
        }
    }
}
