package org.openimarchive.receiver.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.openimarchive.receiver.audit.AuditDirectoryUsage;
import org.openimarchive.receiver.json.JsonText;

/**
 * The dashboard: one page, drawn by one script, served two ways. The WAR serves the page at
 * {@code <context>/dashboard}, its assets below it, and the script reads {@code /stats} and
 * {@link #nodeJson} every few seconds; the audit tool writes the same page as one file with
 * its assets and both documents inlined, which opens from disk. Servlet-free.
 */
public final class DashboardPage {

    private static final String RESOURCES = "/org/openimarchive/receiver/dashboard/";
    private static final String CHART_JS_POM = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String CHART_JS_FILE = "chart.umd.js";

    /** The assets the page loads, by the name it is served under, below {@code <context>/dashboard/}. */
    public record Asset(String contentType, byte[] body) {
    }

    /** What the page's Content-Security-Policy allows as served: the WAR's own scripts, styles, images and data. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private DashboardPage() {
    }

    /** The page as the WAR serves it at {@code <context>/dashboard}: assets by relative URL. */
    public static String served() {
        return template()
                .replace("<!--head-->", "<link rel=\"stylesheet\" href=\"dashboard/dashboard.css\">\n"
                        + "<link rel=\"icon\" href=\"dashboard/favicon.svg\" type=\"image/svg+xml\">")
                .replace("<!--scripts-->", "<script src=\"dashboard/" + CHART_JS_FILE + "\"></script>\n"
                        + "<script src=\"dashboard/dashboard.js\"></script>");
    }

    /**
     * The page as one self-contained file: script, style and the two documents inlined, with
     * a policy that lets it load nothing at all.
     *
     * @param statsJson the {@code /stats} document
     * @param nodeJson  {@link #nodeJson} of the node, or of the files
     */
    public static String selfContained(String statsJson, String nodeJson) {
        String css = text(RESOURCES + "dashboard.css");
        String chart = inlineScript(chartJs());
        String script = inlineScript(text(RESOURCES + "dashboard.js"));
        String policy = "default-src 'none'; script-src " + hash(chart) + " " + hash(script) + "; style-src " + hash(css)
                + "; img-src data:; base-uri 'none'; form-action 'none'";
        return template()
                .replace("<!--head-->", "<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">\n"
                        + "<link rel=\"icon\" href=\"data:,\">\n<style>" + css + "</style>")
                .replace("<!--scripts-->", "<script type=\"application/json\" id=\"openim-stats\">" + inlineJson(statsJson)
                        + "</script>\n<script type=\"application/json\" id=\"openim-node\">" + inlineJson(nodeJson)
                        + "</script>\n<script>" + chart + "</script>\n<script>" + script + "</script>");
    }

    /** The assets of {@link #served()}, by name, each read anew. */
    public static Map<String, Asset> assets() {
        return Map.of(
                "dashboard.css", new Asset("text/css;charset=utf-8", bytes(RESOURCES + "dashboard.css")),
                "dashboard.js", new Asset("text/javascript;charset=utf-8", bytes(RESOURCES + "dashboard.js")),
                "favicon.svg", new Asset("image/svg+xml", bytes(RESOURCES + "favicon.svg")),
                CHART_JS_FILE, new Asset("text/javascript;charset=utf-8", chartJs().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The node's document beside {@code /stats}: whether audit records can be written, and
     * what the audit directory holds.
     *
     * @param live          whether a running receiver answers (else the page was written from the files)
     * @param healthProblem null while records can be written, else why not; ignored when not live
     */
    public static String nodeJson(boolean live, String healthProblem, AuditDirectoryUsage usage) {
        StringBuilder json = new StringBuilder("{\"live\":").append(live);
        if (live) {
            json.append(",\"health\":{\"status\":\"").append(healthProblem == null ? "UP\"" : "DOWN\"");
            if (healthProblem != null) {
                json.append(",\"reason\":");
                JsonText.appendString(json, healthProblem);
            }
            json.append('}');
        }
        json.append(",\"auditDirectory\":{\"files\":").append(usage.files()).append(",\"bytes\":").append(usage.bytes())
                .append(",\"freeBytes\":").append(usage.freeBytes()).append("}}");
        return json.toString();
    }

    private static String template() {
        return text(RESOURCES + "dashboard.html");
    }

    /** Chart.js's UMD bundle from its WebJar, without its source map comment (the map is not served). */
    private static String chartJs() {
        Properties pom = new Properties();
        try (InputStream in = DashboardPage.class.getResourceAsStream(CHART_JS_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is not on the class path: " + CHART_JS_POM);
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String js = text("/META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/" + CHART_JS_FILE);
        return js.replaceAll("\n//# sourceMappingURL=\\S*\\s*$", "\n");
    }

    /** A script's text made safe inside {@code <script>}: nothing in it can close the element. */
    private static String inlineScript(String js) {
        return js.replace("</script", "<\\/script").replace("<!--", "<\\!--");
    }

    /** A JSON document made safe inside {@code <script>}: {@code <}, {@code >} and {@code &} occur only in strings. */
    private static String inlineJson(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
