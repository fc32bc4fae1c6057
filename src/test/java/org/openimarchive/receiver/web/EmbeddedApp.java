package org.openimarchive.receiver.web;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openimarchive.receiver.config.ReceiverConfig;

/**
 * The web application's lifecycle listener on an embedded Jetty, on a free loopback port,
 * at {@code /app}, with the filters and servlets a test adds: a real container for the
 * web package's classes, without the WAR.
 */
final class EmbeddedApp implements AutoCloseable {

    final Server server;
    final ServletContextHandler context;
    /** {@code http://127.0.0.1:PORT/app} */
    final URI base;

    private EmbeddedApp(Server server, ServletContextHandler context, URI base) {
        this.server = server;
        this.context = context;
        this.base = base;
    }

    /** Starts it with the audit files in {@code auditDir}, once {@code setup} has added parameters, filters and servlets. */
    static EmbeddedApp start(Path auditDir, Consumer<ServletContextHandler> setup) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.setInitParameter(ReceiverConfig.AUDIT_DIR, auditDir.toString());
        context.addEventListener(new ReceiverLifecycle());
        setup.accept(context);
        server.setHandler(context);
        server.start();
        return new EmbeddedApp(server, context, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app"));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
