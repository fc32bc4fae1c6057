package org.openimarchive.receiver.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.openimarchive.receiver.audit.AuditRecord;
import org.openimarchive.receiver.audit.AuditWriteException;
import org.openimarchive.receiver.audit.RejectedRequest;
import org.openimarchive.receiver.core.Receiver;

/**
 * The callback endpoint. It is mapped to every path of the application but the operator
 * endpoints ({@code /stats}, {@code /metrics}, {@code /health}), so that the filter chain of
 * web.xml ({@link FilterChainOrder}: audit, source allowlist, route, content type, body size,
 * JSON-B binding) sees every request. A request that reaches it has
 * passed every check: it accepts the bound callback, and {@link AuditFilter} records and
 * acknowledges it.
 *
 * <p>It is also web.xml's error page: what the container itself refuses inside this
 * application (a malformed or protected path) is answered in the same JSON shape, never
 * with the container's HTML page.
 */
// "/*", not "/": a path prefix beats the containers' *.jsp mapping and Undertow's
// welcome-file redirect of the bare context path, so every path reaches the filter chain
@WebServlet(name = CallbackServlet.NAME, urlPatterns = "/*", asyncSupported = true)
public final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The request attribute of a Servlet 6.1 error dispatch that holds the request's method. */
    static final String ERROR_METHOD = "jakarta.servlet.error.method";

    /** The name that web.xml's filter mappings refer to. */
    public static final String NAME = "callback";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            sendContainerError(request, response);
        } else {
            CallbackExchange exchange = CallbackExchange.of(request);
            exchange.enter(FilterChainOrder.SERVLET);
            exchange.accept();
        }
    }

    /**
     * Answers, in OpenIM's shape, what the container refused before the filter chain saw it
     * (a protected path such as {@code WEB-INF/}, a method it answers itself such as TRACE),
     * after its audit record: every request that reaches the WAR leaves one.
     */
    private void sendContainerError(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        Refusal refusal = Refusal.ofStatus(status);
        String detail = "refused by the servlet container";
        Receiver receiver = ReceiverLifecycle.receiver(getServletContext());
        if (!(request.getAttribute(CallbackExchange.ATTRIBUTE) instanceof CallbackExchange)) {
            // an exchange has its record already: the audit filter wrote it
            long declared = request.getContentLengthLong();
            try {
                receiver.recorder().refused(new RejectedRequest(receiver.clock().instant(), status, request.getRemoteAddr(),
                        request.getHeader("operationID"), originalMethod(request), AuditFilter.errorPageUri(request,
                        receiver.config().pathTokens()), detail, declared >= 0 ? declared : null, null));
                receiver.metrics().request(AuditRecord.Outcome.REJECTED, status, 0);
            } catch (AuditWriteException e) {
                receiver.metrics().auditWriteFailed();
                status = Refusal.AUDIT_UNAVAILABLE.status();
                refusal = Refusal.AUDIT_UNAVAILABLE;
                detail = "the audit record could not be written";
            }
        }
        byte[] body = Reply.error(status, refusal != null ? refusal.phrase() : "request refused", detail);
        response.resetBuffer();
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close"); // its body is not read
        }
        JsonReplies.send(response, status, body);
    }

    /**
     * The method of the request an error page answers: Servlet 6.1 containers (Tomcat 11)
     * dispatch error pages as GET and name the method in {@value #ERROR_METHOD}.
     */
    private static String originalMethod(HttpServletRequest request) {
        return request.getAttribute(ERROR_METHOD) instanceof String method ? method : request.getMethod();
    }
}
