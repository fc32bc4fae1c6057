package org.openimarchive.receiver.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openimarchive.receiver.Monitoring;
import org.openimarchive.receiver.Monitoring.Run;

/**
 * The shipped monitoring, checked by promtool (the rules, their unit tests, the scrape job)
 * and against what an operator is promised: every alert has a severity, a summary, a
 * description and a runbook in the README; the dashboard imports into Grafana 11.
 */
class MonitoringFilesTest {

    @Test
    void promtoolChecksTheRules() throws Exception {
        Run run = Monitoring.run(null, Monitoring.program("promtool"), "check", "rules", Monitoring.RULES.toString());
        System.out.print(run.output());
        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void everyAlertPassesItsPromtoolUnitTests() throws Exception {
        Run run = Monitoring.run(null, Monitoring.program("promtool"), "test", "rules", Monitoring.RULE_TESTS.toString());
        System.out.print(run.output());
        assertEquals(0, run.exit(), run.output());
        String tests = Files.readString(Monitoring.RULE_TESTS);
        assertFalse(Monitoring.ruleBlocks("alert").isEmpty(), "no alert found in the rules");
        for (String alert : Monitoring.ruleBlocks("alert").keySet()) {
            // fires somewhere (an expected alert), and is quiet somewhere (exp_alerts: [])
            assertTrue(Pattern.compile("alertname: " + alert + "\\n\\s*exp_alerts:\\s*\\n\\s*- exp_labels").matcher(tests).find(),
                    alert + " is never expected to fire in " + Monitoring.RULE_TESTS);
            assertTrue(Pattern.compile("alertname: " + alert + "\\n\\s*exp_alerts: \\[\\]").matcher(tests).find(),
                    alert + " is never expected to stay quiet in " + Monitoring.RULE_TESTS);
        }
    }

    @Test
    void promtoolChecksTheScrapeJob() throws Exception {
        Run run = Monitoring.run(null, Monitoring.program("promtool"), "check", "config", Monitoring.SCRAPE_CONFIG.toString());
        System.out.print(run.output());
        assertEquals(0, run.exit(), run.output());
        assertTrue(Files.readString(Monitoring.SCRAPE_CONFIG).contains("job_name: " + Monitoring.JOB));
    }

    @Test
    void everyAlertHasASeverityASummaryADescriptionAndARunbook() throws Exception {
        Map<String, String> alerts = Monitoring.ruleBlocks("alert");
        assertFalse(alerts.isEmpty());
        String readme = Files.readString(Path.of("README.md"));
        for (Map.Entry<String, String> alert : alerts.entrySet()) {
            String block = alert.getValue();
            assertTrue(Pattern.compile("\\n\\s+severity: (critical|warning)\\n").matcher(block).find(), alert.getKey() + ": severity");
            assertTrue(block.contains("\n          summary: "), alert.getKey() + ": summary");
            assertTrue(block.contains("\n          description: "), alert.getKey() + ": description");
            assertTrue(readme.contains("\n#### " + alert.getKey() + "\n"), alert.getKey() + ": no runbook (#### " + alert.getKey() + ") in README.md");
        }
    }

    @Test
    void theDashboardImportsIntoGrafana11() throws Exception {
        JsonObject dashboard = Monitoring.dashboard();
        assertEquals(39, dashboard.getInt("schemaVersion"));
        JsonObject input = dashboard.getJsonArray("__inputs").getJsonObject(0);
        assertEquals("DS_PROMETHEUS", input.getString("name"));
        assertEquals("prometheus", input.getString("pluginId"));
        assertTrue(dashboard.isNull("id"), "an exported dashboard has no id");
        List<String> variables = dashboard.getJsonObject("templating").getJsonArray("list").stream()
                .map(v -> v.asJsonObject().getString("name")).toList();
        assertEquals(List.of("job", "instance"), variables);
        List<String> rows = dashboard.getJsonArray("panels").stream().map(JsonValue::asJsonObject)
                .filter(p -> "row".equals(p.getString("type"))).map(p -> p.getString("title")).toList();
        assertEquals(List.of("Traffic", "Refusals", "Latency", "Audit", "JVM"), rows);
        for (JsonValue value : dashboard.getJsonArray("panels")) {
            JsonObject panel = value.asJsonObject();
            if (!"row".equals(panel.getString("type"))) {
                assertEquals("${DS_PROMETHEUS}", panel.getJsonObject("datasource").getString("uid"), panel.getString("title"));
            }
        }
        assertFalse(Monitoring.dashboardExpressions().isEmpty(), "no query found in the dashboard");
        for (String expression : Monitoring.dashboardExpressions()) {
            assertTrue(expression.contains("instance=~\"$instance\""), "not filtered by the node: " + expression);
        }
    }
}
