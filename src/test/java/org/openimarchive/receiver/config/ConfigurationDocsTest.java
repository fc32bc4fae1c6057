package org.openimarchive.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** README's configuration table and web.xml's commented-out list say what Parameter.ALL says. */
class ConfigurationDocsTest {

    @Test
    void readmeHasTheTableOfParameters() throws Exception {
        StringBuilder table = new StringBuilder("| parameter | default | allowed |\n|---|---|---|\n");
        for (Parameter parameter : Parameter.ALL) {
            table.append("| `").append(parameter.name()).append("` | ").append(parameter.byDefault().documented())
                    .append(" | ").append(allowed(parameter)).append(" |\n");
        }
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(table), "README.md should have this configuration table:\n" + table);
    }

    @Test
    void webXmlListsEveryParameterCommentedOut() throws Exception {
        List<String> expected = new ArrayList<>();
        for (Parameter parameter : Parameter.ALL) {
            String description = sentence(allowed(parameter));
            if (parameter.byDefault().value() == null) {
                description += " Default: " + parameter.byDefault().documented().replace("`", "") + ".";
            }
            expected.add(parameter.name() + " = " + parameter.byDefault().example() + ": " + description);
        }
        List<String> listed = new ArrayList<>();
        NodeList params = parse("<list>" + commentedOutParams() + "</list>").getElementsByTagName("context-param");
        for (int i = 0; i < params.getLength(); i++) {
            Element param = (Element) params.item(i);
            listed.add(text(param, "param-name") + " = " + text(param, "param-value") + ": " + text(param, "description"));
        }
        assertEquals(expected, listed);
    }

    /** README's "allowed" column: the bounds, if any, then the description. */
    private static String allowed(Parameter parameter) {
        String bounds = parameter.parser().bounds();
        return bounds.isEmpty() ? parameter.description() : bounds + ": " + parameter.description();
    }

    /** Markdown made a plain sentence, as web.xml's descriptions are written. */
    private static String sentence(String markdown) {
        String plain = markdown.replace("`", "");
        return Character.toUpperCase(plain.charAt(0)) + plain.substring(1) + ".";
    }

    /** The {@code <context-param>} elements of the comment that lists them in web.xml. */
    private static String commentedOutParams() throws Exception {
        Element webApp = parse(Files.readString(Path.of("src/main/webapp/WEB-INF/web.xml")));
        for (Node node = webApp.getFirstChild(); node != null; node = node.getNextSibling()) {
            String text = node.getNodeValue();
            if (node.getNodeType() == Node.COMMENT_NODE && text.contains("<context-param>")) {
                return text.substring(text.indexOf("<context-param>"));
            }
        }
        throw new AssertionError("web.xml has no commented-out <context-param> list");
    }

    private static Element parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }

    private static String text(Element param, String tag) {
        NodeList found = param.getElementsByTagName(tag);
        return found.getLength() == 1 ? found.item(0).getTextContent().trim().replaceAll("\\s+", " ") : "";
    }
}
