package org.openimarchive.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openimarchive.receiver.Fixtures;
import org.openimarchive.receiver.tool.AuditTool;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard as a person sees it: known traffic over several days posted to the built
 * WAR, the page opened in real headless Chromium (Debian's chromium and chromium-driver),
 * and what it rendered read back: every figure shown equals /stats or /dashboard/node, the
 * charts hold the per-day figures and painted, every request stayed inside the WAR, the
 * console has no error, and the page refreshes itself. Screenshots at a desktop and a phone
 * size go to target/. Also: an empty archive says so, the audit tool's self-contained page
 * shows the same figures from disk, and a source outside callback.adminSources gets 403.
 */
class DashboardIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);
    /** The page refreshes every 10 s: one refresh, with room to spare. */
    static final Duration REFRESH_WAIT = Duration.ofSeconds(25);
    static final String DAYS = "14";
    /** The page and what it loads, below the context: each container's test gets them too. */
    static final List<String> PAGE_PATHS = List.of("/dashboard", "/dashboard/dashboard.css", "/dashboard/chart.umd.js",
            "/dashboard/dashboard.js", "/dashboard/favicon.svg", "/dashboard/node");

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @TempDir
    Path auditDir;

    @TempDir
    Path emptyDir;

    @TempDir
    Path profile;

    private ChromeDriver browser;

    @BeforeEach
    void startChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("no " + CHROMIUM + ": install the Debian package chromium (bin/test does, from bin/packages.d/chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            fail("no " + CHROMEDRIVER + ": install the Debian package chromium-driver (bin/test does, from bin/packages.d/chromium)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as this machine needs them: no sandbox as root, and no connection of Chromium's own
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=en-US", "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().withTimeout(WAIT).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    /** Opens {@code url}, once the requests of what was open before (Chromium's new tab page) are left behind. */
    private void open(String url) {
        browser.get("about:blank");
        browser.manage().logs().get(LogType.PERFORMANCE);
        browser.get(url);
    }

    @AfterEach
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePageShowsWhatStatsSaysAndRefreshesItself() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(auditDir, Map.of("callback.stats.days", DAYS))) {
            postKnownTraffic(war);
            JsonObject stats = stats(war);
            assertEquals(Set.of(day(0), day(1), day(2), day(4), day(6)), stats.getJsonObject("byDay").keySet(),
                    "the traffic falls on five days");

            HttpResponse<String> page = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/dashboard")).GET());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self';") && policy.contains("default-src 'none'"), policy);
            assertFalse(page.body().contains("<script>"), "no inline script");

            String base = war.uri(DeployedWar.CONTEXT + "/").toString();
            open(base + "dashboard");
            awaitReady(1);
            browser.executeScript("window.sameDocument = true");
            assertFiguresEqual(stats, node(war));
            assertChartsDrew(stats, List.of("messages", "problems", "people", "content", "platform"));
            assertFalse(visible("empty"));
            screenshot("dashboard-desktop.png", 1280, 900, false);
            screenshot("dashboard-phone.png", 390, 844, true);
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());

            // a new message shows up without reloading the page
            assertEquals(200, war.post(DeployedWar.COMMAND_PATH, message("late", "zoe", "yan", 105, 0, 7), "late").statusCode());
            JsonObject after = stats(war);
            assertEquals(stats.getJsonObject("total").getInt("messages") + 1, after.getJsonObject("total").getInt("messages"));
            String shownBefore = browser.findElement(By.cssSelector("body")).getAttribute("data-generated-at");
            await(REFRESH_WAIT, "the page to refresh itself", () -> !shownBefore.equals(
                    browser.findElement(By.cssSelector("body")).getAttribute("data-generated-at")));
            assertEquals(Boolean.TRUE, browser.executeScript("return window.sameDocument === true"), "not reloaded");
            assertFiguresEqual(after, node(war));
            assertChartsDrew(after, List.of("messages", "problems", "people", "content", "platform"));
            assertRequestsStayedIn(base);
            assertNoConsoleError();

            // the audit tool's page of the same files, opened from disk
            Path html = Path.of("target", "dashboard-audit-tool.html").toAbsolutePath();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, AuditTool.run(new String[] {"summary", auditDir.toString(), "--days", DAYS, "--html", html.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
            JsonObject summary = json(out.toString(StandardCharsets.UTF_8));
            String file = html.toUri().toString();
            open(file);
            awaitReady(1);
            JsonObject filesNode = json(browser.findElement(By.id("openim-node")).getAttribute("textContent"));
            assertFalse(filesNode.getBoolean("live"));
            assertFiguresEqual(summary, filesNode);
            assertEquals(after.getJsonObject("total"), summary.getJsonObject("total"), "the tool counts what /stats counts");
            assertChartsDrew(summary, List.of("messages", "problems", "people", "content", "platform"));
            assertRequestsStayedIn(file);
            assertNoConsoleError();
        }
    }

    @Test
    void anEmptyArchiveSaysNoMessagesYet() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(emptyDir, Map.of())) {
            JsonObject stats = stats(war);
            String base = war.uri(DeployedWar.CONTEXT + "/").toString();
            open(base + "dashboard");
            awaitReady(1);
            assertTrue(visible("empty"));
            assertTrue(browser.findElement(By.id("empty")).getText().startsWith("No messages yet"));
            for (String chart : List.of("messages", "people", "content", "platform")) {
                assertFalse((Boolean) browser.executeScript(
                        "return document.getElementById('chart-' + arguments[0]).offsetParent !== null", chart),
                        "no empty axes for " + chart);
            }
            assertFiguresEqual(stats, node(war));
            assertRequestsStayedIn(base);
            assertNoConsoleError();
            screenshot("dashboard-empty.png", 1280, 900, false);
        }
    }

    @Test
    void aSourceOutsideAdminSourcesGets403AndOpenImStillPostsToTheContext() throws Exception {
        try (DeployedWar war = DeployedWar.deploy(emptyDir, Map.of("callback.adminSources", "10.0.0.0/8"))) {
            List<String> paths = new ArrayList<>(PAGE_PATHS);
            paths.addAll(List.of("/dashboard/", "/dashboard/x", "/stats"));
            for (String path : paths) {
                HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + path)).GET());
                assertEquals(403, r.statusCode(), path + ": " + r.body());
                assertTrue(r.body().contains("is not in callback.adminSources"), r.body());
            }
            // OpenIM 3.0-3.4 posts to the bare context path: served as ever
            assertEquals(200, war.post(DeployedWar.CONTEXT + "?command=callbackAfterSendSingleMsgCommand",
                    message("bare", "a", "b", 101, 0, 5), "bare").statusCode());
            assertEquals(200, war.post(DeployedWar.CONTEXT + "/?command=callbackAfterSendSingleMsgCommand",
                    message("slash", "a", "b", 101, 0, 5), "slash").statusCode());
            // and a GET of the context's root is the callback path's 404, in OpenIM's shape
            HttpResponse<String> root = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + "/")).GET());
            assertEquals(404, root.statusCode());
            assertTrue(root.body().startsWith("{\"actionCode\":1,\"errCode\":404"), root.body());
        }
    }

    // ---- traffic ----

    /** A one-to-one message sent at noon UTC {@code daysAgo} days ago. */
    static byte[] message(String serverMsgID, String from, String to, int contentType, int daysAgo, int platform) {
        return build("good/v3.8-text.json", serverMsgID, from, contentType, daysAgo, platform).add("recvID", to).build()
                .toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] groupMessage(String serverMsgID, String from, String group, int daysAgo) {
        return build("other/after-group-text.json", serverMsgID, from, 101, daysAgo, 3).add("groupID", group).build()
                .toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObjectBuilder build(String fixture, String serverMsgID, String from, int contentType, int daysAgo,
            int platform) {
        long sendTime = TODAY.minusDays(daysAgo).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        return Json.createObjectBuilder(json(new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8)))
                .add("serverMsgID", serverMsgID).add("sendID", from).add("contentType", contentType)
                .add("senderPlatformID", platform).add("sendTime", sendTime).add("createTime", sendTime);
    }

    private static void postKnownTraffic(DeployedWar war) throws Exception {
        String single = DeployedWar.COMMAND_PATH;
        String group = DeployedWar.CONTEXT + "/callbackAfterSendGroupMsgCommand";
        Object[][] messages = {
            {"t1", "alice", "bob", 101, 0, 1}, {"t2", "bob", "alice", 101, 0, 2}, {"t3", "alice", "carol", 102, 0, 5},
            {"t4", "carol", "bob", 114, 0, 3}, {"y1", "dave", "erin", 101, 1, 2}, {"y2", "erin", "dave", 103, 1, 2},
            {"d2a", "alice", "bob", 101, 2, 1}, {"d2b", "frank", "alice", 104, 2, 4}, {"d2c", "gina", "hugo", 101, 2, 5},
            {"d4", "hugo", "gina", 105, 4, 7}, {"d6", "ivan", "alice", 101, 6, 9}};
        for (Object[] m : messages) {
            HttpResponse<String> r = war.post(single, message((String) m[0], (String) m[1], (String) m[2], (int) m[3], (int) m[4],
                    (int) m[5]), (String) m[0]);
            assertEquals(200, r.statusCode(), r.body());
        }
        assertEquals(200, war.post(group, groupMessage("g1", "alice", "g-team", 0), "g1").statusCode());
        assertEquals(200, war.post(group, groupMessage("g2", "bob", "g-team", 1), "g2").statusCode());
        // duplicates: today, and one of two days ago
        assertEquals(200, war.post(single, message("t1", "alice", "bob", 101, 0, 1), "t1-again").statusCode());
        assertEquals(200, war.post(single, message("d2a", "alice", "bob", 101, 2, 1), "d2a-again").statusCode());
        // a notification, sent today
        byte[] notification = Json.createObjectBuilder(json(new String(Fixtures.bytes("good/notification-1201.json"),
                StandardCharsets.UTF_8))).add("sendTime", TODAY.atTime(9, 0).toInstant(ZoneOffset.UTC).toEpochMilli())
                .build().toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(200, war.post(single, notification, "notification").statusCode());
        // refusals: bad bodies (400), a wrong content type (415); and another webhook passed
        for (Path bad : Fixtures.bad().subList(0, 3)) {
            assertEquals(400, war.post(single, Fixtures.bytes(bad), "bad").statusCode());
        }
        assertEquals(415, war.send(HttpRequest.newBuilder(war.uri(single)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
        assertEquals(200, war.post(DeployedWar.CONTEXT + "/callbackBeforeSendSingleMsgCommand",
                Fixtures.bytes("other/before-single-text.json"), "before").statusCode());
    }

    private static String day(int daysAgo) {
        return TODAY.minusDays(daysAgo).toString();
    }

    // ---- the documents ----

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject stats(DeployedWar war) throws Exception {
        return CompleteStats.await(() -> get(war, "/stats"));
    }

    private static JsonObject node(DeployedWar war) throws Exception {
        return json(get(war, "/dashboard/node"));
    }

    private static String get(DeployedWar war, String path) throws Exception {
        HttpResponse<String> r = war.send(HttpRequest.newBuilder(war.uri(DeployedWar.CONTEXT + path)).GET());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    // ---- what the page shows ----

    private void awaitReady(int renders) {
        await(WAIT, "the page to render", () -> {
            Object n = browser.executeScript("return Number(document.body.getAttribute('data-renders') || 0)");
            return ((Number) n).intValue() >= renders;
        });
    }

    private static void await(Duration timeout, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + timeout + " for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private boolean visible(String id) {
        return (Boolean) browser.executeScript("var e = document.getElementById(arguments[0]); return !e.hidden && e.offsetParent !== null", id);
    }

    /**
     * Every figure the page shows (an element with data-figure, the path of its value in
     * {"stats":..., "node":...}) equals the documents' value, and the main ones are shown.
     */
    @SuppressWarnings("unchecked")
    private void assertFiguresEqual(JsonObject stats, JsonObject node) {
        JsonObject docs = Json.createObjectBuilder().add("stats", stats).add("node", node).build();
        List<Map<String, String>> shown = (List<Map<String, String>>) browser.executeScript(
                "return Array.from(document.querySelectorAll('[data-figure]')).map(function (e) {"
                        + " return {path: e.getAttribute('data-figure'), text: e.textContent}; })");
        Set<String> paths = new HashSet<>();
        for (Map<String, String> figure : shown) {
            String path = figure.get("path");
            paths.add(path);
            assertEquals(value(docs, path), Long.parseLong(figure.get("text").replace(",", "")), "shown " + path);
        }
        List<String> expected = new ArrayList<>(List.of("stats/total/messages", "stats/total/notifications",
                "stats/total/duplicates", "stats/total/byConversationKind/single", "stats/total/byConversationKind/group",
                "node/auditDirectory/files"));
        for (String key : List.of("senders", "receivers", "users", "groups", "conversations")) {
            expected.add("stats/total/" + key + "/count");
        }
        stats.getJsonObject("total").getJsonObject("refused").keySet().forEach(s -> expected.add("stats/total/refused/" + s));
        stats.getJsonObject("total").getJsonObject("passed").keySet().forEach(c -> expected.add("stats/total/passed/" + c));
        for (String d : stats.getJsonObject("byDay").keySet()) {
            for (String key : List.of("messages", "duplicates", "notifications", "senders/count", "receivers/count",
                    "users/count", "groups/count", "conversations/count")) {
                expected.add("stats/byDay/" + d + "/" + key);
            }
        }
        for (String path : expected) {
            assertTrue(paths.contains(path), "the page shows " + path + "; it shows " + paths);
        }
        Object bytes = browser.executeScript("return document.querySelector('[data-bytes]').getAttribute('data-bytes')");
        assertEquals(node.getJsonObject("auditDirectory").getJsonNumber("bytes").longValue(), Long.parseLong((String) bytes));
    }

    /** The number at {@code path}; 0 for a key the document leaves out (a day or kind with none) or an empty map. */
    private static long value(JsonObject docs, String path) {
        JsonValue v = docs;
        for (String key : path.split("/")) {
            if (!(v instanceof JsonObject o) || !o.containsKey(key)) {
                return 0;
            }
            v = o.get(key);
        }
        if (v instanceof JsonObject o && o.isEmpty()) {
            return 0;
        }
        return ((JsonNumber) v).longValue();
    }

    /** Each chart is on the page, painted, and holds the documents' figures. */
    @SuppressWarnings("unchecked")
    private void assertChartsDrew(JsonObject stats, List<String> names) {
        for (String name : names) {
            Map<String, Object> chart = (Map<String, Object>) browser.executeScript(
                    "var c = document.getElementById('chart-' + arguments[0]); var ch = Chart.getChart(c);"
                            + "if (!ch || c.offsetParent === null) { return null; }"
                            // read back on a copy, so that the page's own canvas is not read from
                            + "var copy = document.createElement('canvas'); copy.width = c.width; copy.height = c.height;"
                            + "var g = copy.getContext('2d', {willReadFrequently: true}); g.drawImage(c, 0, 0);"
                            + "var px = g.getImageData(0, 0, c.width, c.height).data, painted = 0;"
                            + "for (var i = 3; i < px.length; i += 4) { if (px[i]) { painted++; } }"
                            + "return {painted: painted, labels: ch.data.labels,"
                            + " datasets: ch.data.datasets.map(function (d) { return {label: d.label, data: d.data}; })};", name);
            assertTrue(chart != null, "chart " + name + " drawn and visible");
            assertTrue(((Number) chart.get("painted")).longValue() > 2000, name + " painted " + chart.get("painted"));
            List<String> labels = (List<String>) chart.get("labels");
            List<Map<String, Object>> datasets = (List<Map<String, Object>>) chart.get("datasets");
            JsonObject byDay = stats.getJsonObject("byDay");
            JsonObject total = stats.getJsonObject("total");
            switch (name) {
                case "messages" -> {
                    assertEquals(stats.getInt("days"), labels.size(), "one bar per day kept");
                    assertEquals(TODAY.toString(), labels.get(labels.size() - 1));
                    assertSeries(datasets, "one-to-one", labels, d -> value(byDay, d + "/byConversationKind/single"));
                    assertSeries(datasets, "group", labels, d -> value(byDay, d + "/byConversationKind/group"));
                    assertSeries(datasets, "notifications", labels, d -> value(byDay, d + "/notifications"));
                }
                case "problems" -> {
                    assertSeries(datasets, "duplicates", labels, d -> value(byDay, d + "/duplicates"));
                    assertSeries(datasets, "refused 400 invalid callback", labels, d -> value(byDay, d + "/refused/400"));
                }
                case "people" -> {
                    assertSeries(datasets, "Senders", labels, d -> value(byDay, d + "/senders/count"));
                    assertSeries(datasets, "Conversations", labels, d -> value(byDay, d + "/conversations/count"));
                }
                case "content", "platform" -> {
                    JsonObject counts = total.getJsonObject(name.equals("content") ? "byContentType" : "bySenderPlatformID");
                    assertEquals(counts.size(), labels.size(), labels.toString());
                    List<Object> data = (List<Object>) datasets.get(0).get("data");
                    for (int i = 0; i < labels.size(); i++) {
                        String code = labels.get(i).split(" ")[0];
                        assertEquals(counts.getJsonNumber(code).longValue(), ((Number) data.get(i)).longValue(), labels.get(i));
                    }
                    assertTrue(labels.contains(name.equals("content") ? "101 text" : "2 Android"), "OpenIM's names: " + labels);
                }
                default -> fail(name);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertSeries(List<Map<String, Object>> datasets, String label, List<String> days,
            java.util.function.ToLongFunction<String> expected) {
        Map<String, Object> dataset = datasets.stream().filter(d -> label.equals(d.get("label"))).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + label + " among " + datasets));
        List<Object> data = (List<Object>) dataset.get("data");
        for (int i = 0; i < days.size(); i++) {
            assertEquals(expected.applyAsLong(days.get(i)), ((Number) data.get(i)).longValue(), label + " on " + days.get(i));
        }
    }

    /** Every request the browser made since the last look went to {@code prefix}: the WAR, or the file. */
    private void assertRequestsStayedIn(String prefix) {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            JsonObject message = json(entry.getMessage()).getJsonObject("message");
            if ("Network.requestWillBeSent".equals(message.getString("method"))) {
                urls.add(message.getJsonObject("params").getJsonObject("request").getString("url"));
            }
        }
        assertFalse(urls.isEmpty(), "the performance log shows the page's requests");
        for (String url : urls) {
            assertTrue(url.startsWith(prefix), "a request outside " + prefix + ": " + url + " (of " + urls.size() + ")");
        }
    }

    private void assertNoConsoleError() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                errors.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        assertEquals(List.of(), errors, "the browser console");
    }

    /** A screenshot of the whole page at a window of width × height (a phone's when {@code mobile}), under target/. */
    private void screenshot(String name, int width, int height, boolean mobile) throws Exception {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
        browser.executeScript("window.dispatchEvent(new Event('resize'))");
        Thread.sleep(300); // Chart.js redraws on its resize observer
        Map<String, Object> metrics = browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width,
                        "height", ((Number) size.get("height")).doubleValue(), "scale", 1)));
        Path file = Path.of("target", name);
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        assertTrue(Files.size(file) > 10_000, file + " holds a picture");
    }
}
