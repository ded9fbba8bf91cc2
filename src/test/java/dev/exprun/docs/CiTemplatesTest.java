package dev.exprun.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The CI templates in docs/ci are valid YAML, and every Maven call in them names goals, -Dexp.*
 * properties, phases and profiles that exist: users copy these files, so a renamed property must
 * break this test, not their pipeline. Goals and properties come from the generated plugin descriptor.
 */
class CiTemplatesTest {
    private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The phases of Maven's default lifecycle. */
    private static final Set<String> DEFAULT_LIFECYCLE = Set.of("validate", "initialize", "generate-sources", "process-sources",
            "generate-resources", "process-resources", "compile", "process-classes", "generate-test-sources", "process-test-sources",
            "generate-test-resources", "process-test-resources", "test-compile", "process-test-classes", "test", "prepare-package",
            "package", "pre-integration-test", "integration-test", "post-integration-test", "verify", "install", "deploy");

    /** Maven options whose value is the next word (so that word is not taken for a phase). */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-s", "--settings", "-gs", "--global-settings", "-t", "--toolchains",
            "-f", "--file", "-pl", "--projects", "-rf", "--resume-from", "-T", "--threads", "-l", "--log-file", "-b", "--builder");

    enum Template {
        GITHUB("docs/ci/github-actions.yml", CiTemplatesTest::githubCommands),
        GITLAB("docs/ci/gitlab-ci.yml", CiTemplatesTest::gitlabCommands);

        final Path path;
        final Function<JsonNode, List<String>> commands;

        Template(String path, Function<JsonNode, List<String>> commands) {
            this.path = Path.of(path);
            this.commands = commands;
        }

        JsonNode yaml() throws IOException {
            return YAML.readTree(Files.readString(path));
        }

        List<MavenCall> mavenCalls() throws IOException {
            return commands.apply(yaml()).stream().flatMap(c -> shellLines(c).stream())
                    .map(ShellWords::split).map(MavenCall::of).filter(Objects::nonNull).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Template.class)
    void everyMavenCallNamesRealGoalsPropertiesPhasesAndProfiles(Template template) throws IOException {
        Descriptor descriptor = Descriptor.read(DESCRIPTOR);
        List<MavenCall> calls = template.mavenCalls();
        assertFalse(calls.isEmpty(), template.path + " has no Maven call");
        List<String> problems = calls.stream().flatMap(c -> descriptor.problems(c).stream().map(p -> p + "    in: " + c.line())).toList();
        assertTrue(problems.isEmpty(), template.path + ":\n" + String.join("\n", problems));
    }

    @ParameterizedTest
    @EnumSource(Template.class)
    void branchesTrainAndGateOnlyAndTheReleaseDeploysAndPushesTheTag(Template template) throws IOException {
        List<MavenCall> calls = template.mavenCalls();
        assertTrue(calls.stream().anyMatch(c -> c.goals().equals(List.of("exp:check-env")) && c.phases().isEmpty()),
                template.path + ": no exp:check-env step");
        assertTrue(calls.stream().anyMatch(c -> c.profiles().equals(List.of("release")) && c.phases().equals(List.of("verify"))
                && !c.properties().containsKey("exp.push")), template.path + ": no branch build running -Prelease verify");
        assertTrue(calls.stream().anyMatch(c -> c.profiles().equals(List.of("release")) && c.phases().equals(List.of("deploy"))
                && "true".equals(c.properties().get("exp.push")) && c.properties().containsKey("exp.tagName")),
                template.path + ": no release build running -Prelease deploy -Dexp.push=true -Dexp.tagName=...");
    }

    @Test
    void githubRunsOnGpuRunnersWithFullHistoryAndIsNotStartedByTags() throws IOException {
        JsonNode root = Template.GITHUB.yaml();
        JsonNode push = root.path("on").path("push");
        assertTrue(push.has("branches") && !push.has("tags"), "tag pushes must not start the workflow: " + push);
        assertTrue(root.path("on").path("workflow_dispatch").path("inputs").has("tag_name"));
        for (JsonNode job : root.path("jobs")) {
            assertEquals("[\"self-hosted\",\"linux\",\"gpu\"]", job.path("runs-on").toString());
            JsonNode checkout = job.path("steps").get(0);
            assertTrue(checkout.path("uses").asText().startsWith("actions/checkout@"), checkout.toString());
            assertEquals(0, checkout.path("with").path("fetch-depth").asInt(-1));
        }
        assertEquals("write", root.path("jobs").path("release").path("permissions").path("contents").asText());
    }

    @Test
    void gitlabRunsOnGpuRunnersWithFullHistoryAndNoTagPipelines() throws IOException {
        JsonNode root = Template.GITLAB.yaml();
        assertEquals("0", root.path("variables").path("GIT_DEPTH").asText());
        assertEquals("[\"gpu\",\"docker\"]", root.path("default").path("tags").toString());
        JsonNode firstRule = root.path("workflow").path("rules").get(0);
        assertEquals("$CI_COMMIT_TAG", firstRule.path("if").asText());
        assertEquals("never", firstRule.path("when").asText());
    }

    @Test
    void theCheckerReportsAMisspelledGoalAndProperty() throws IOException {
        Descriptor descriptor = Descriptor.read(DESCRIPTOR);
        List<String> problems = descriptor.problems(MavenCall.of(ShellWords.split("./mvnw exp:trian -Dexp.tagNmae=x")));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("exp:trian"), problems.get(0));
        assertTrue(problems.get(1).contains("exp.tagNmae"), problems.get(1));

        problems = descriptor.problems(MavenCall.of(ShellWords.split("mvn -B -Pfast,release verfy 2>&1 && echo done")));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("verfy") && problems.get(1).contains("fast"), problems.toString());
    }

    @Test
    void theCheckerAcceptsRealGoalsPropertiesAndParams() throws IOException {
        Descriptor descriptor = Descriptor.read(DESCRIPTOR);
        assertTrue(descriptor.goals().containsAll(Set.of("run", "verify", "tag", "check-env", "help")), descriptor.goals().toString());
        MavenCall call = MavenCall.of(ShellWords.split(
                "./mvnw -B -ntp -s \"$RUNNER_TEMP/settings.xml\" -P release verify dev.exprun:exp-maven-plugin:0.1.0:tag "
                        + "-Dexp.gates='val_acc>=0.93' -D exp.skip -Dexp.param.lr=0.01 -Dfoo=bar > build.log 2>&1 # trailing comment"));
        assertEquals(List.of("verify"), call.phases());
        assertEquals(List.of("exp:tag"), call.goals());
        assertEquals("val_acc>=0.93", call.properties().get("exp.gates"));
        assertEquals(List.of(), descriptor.problems(call));
    }

    @Test
    void continuedLinesAreOneCommand() {
        List<String> lines = shellLines("./mvnw -B \\\n  verify\necho x\n");
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(List.of("./mvnw", "-B", "verify"), ShellWords.split(lines.get(0)));
    }

    private static List<String> githubCommands(JsonNode root) {
        List<String> commands = new ArrayList<>();
        for (JsonNode job : root.path("jobs")) {
            for (JsonNode step : job.path("steps")) {
                if (step.has("run")) {
                    commands.add(step.get("run").asText());
                }
            }
        }
        return commands;
    }

    /** script, before_script and after_script of every job, the default section included; a list or one string. */
    private static List<String> gitlabCommands(JsonNode root) {
        List<String> commands = new ArrayList<>();
        root.properties().forEach(section -> {
            for (String key : List.of("before_script", "script", "after_script")) {
                JsonNode script = section.getValue().path(key);
                if (script.isArray()) {
                    script.forEach(line -> commands.add(line.asText()));
                } else if (script.isTextual()) {
                    commands.add(script.asText());
                }
            }
        });
        return commands;
    }

    /** A shell script's lines, with backslash-newline continuations joined. */
    static List<String> shellLines(String script) {
        return script.replace("\\\n", " ").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The plugin's goals and the user properties its parameters read, from target/classes/META-INF/maven/plugin.xml. */
    record Descriptor(Set<String> goals, Set<String> properties) {
        private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]+)}");

        static Descriptor read(Path file) {
            assertTrue(Files.isRegularFile(file), file + " is missing: run the build through process-classes");
            Set<String> goals = new TreeSet<>();
            Set<String> properties = new TreeSet<>();
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                Element plugin = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
                for (Element mojo : children(child(plugin, "mojos"), "mojo")) {
                    goals.add(child(mojo, "goal").getTextContent().strip());
                    // <configuration> holds <name implementation=...>${property}</name> per parameter
                    // that has a property; its <goal> child (exp:help has one) is a parameter, not the mojo's goal.
                    for (Element parameter : children(child(mojo, "configuration"), null)) {
                        Matcher m = EXPRESSION.matcher(parameter.getTextContent().strip());
                        if (m.matches()) {
                            properties.add(m.group(1));
                        }
                    }
                }
            } catch (Exception e) {
                throw new AssertionError("cannot read " + file + ": " + e, e);
            }
            return new Descriptor(goals, properties);
        }

        /** What is wrong with the call, one message per word; empty when nothing is. */
        List<String> problems(MavenCall call) {
            List<String> problems = new ArrayList<>();
            if (call.goals().isEmpty() && call.phases().isEmpty()) {
                problems.add("names no phase and no goal");
            }
            for (String goal : call.goals()) {
                if (goal.startsWith("exp:") && !goals.contains(goal.substring(4))) {
                    problems.add(goal + " is not a goal of the plugin; goals: " + goals);
                }
            }
            for (String property : call.properties().keySet()) {
                boolean param = property.startsWith("exp.param.") && property.length() > "exp.param.".length();
                if (property.startsWith("exp.") && !param && !properties.contains(property)) {
                    problems.add("-D" + property + " is read by no parameter of the plugin");
                }
            }
            for (String phase : call.phases()) {
                if (!DEFAULT_LIFECYCLE.contains(phase)) {
                    problems.add(phase + " is not a phase of Maven's default lifecycle");
                }
            }
            for (String profile : call.profiles()) {
                if (!profile.equals("release")) {
                    problems.add("-P" + profile + ": the templates use only the profile release");
                }
            }
            return problems;
        }

        private static Element child(Element parent, String name) {
            List<Element> found = children(parent, name);
            assertEquals(1, found.size(), "<" + parent.getTagName() + "> should have one <" + name + ">");
            return found.get(0);
        }

        private static List<Element> children(Element parent, String name) {
            List<Element> found = new ArrayList<>();
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                    found.add(e);
                }
            }
            return found;
        }
    }

    /** One Maven invocation: its words sorted into phases, goals (prefix:goal), -D properties and -P profiles. */
    record MavenCall(String line, List<String> phases, List<String> goals, Map<String, String> properties, List<String> profiles) {
        private static final Pattern EXP_PLUGIN_GOAL = Pattern.compile("dev\\.exprun:exp-maven-plugin(:[^:]+)?:([^:]+)");

        /** The Maven call in the words of one shell line, or null when the line calls no Maven. */
        static MavenCall of(List<String> words) {
            int start = 0;
            while (start < words.size() && !isMaven(words.get(start))) {
                start++;
            }
            if (start == words.size()) {
                return null;
            }
            MavenCall call = new MavenCall(String.join(" ", words), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>(),
                    new ArrayList<>());
            for (int i = start + 1; i < words.size() && !ShellWords.isOperator(words.get(i)); i++) {
                String word = words.get(i);
                boolean valueNext = i + 1 < words.size();
                if (word.equals("-D") && valueNext) {
                    call.addProperty(words.get(++i));
                } else if (word.startsWith("-D")) {
                    call.addProperty(word.substring(2));
                } else if ((word.equals("-P") || word.equals("--activate-profiles")) && valueNext) {
                    call.addProfiles(words.get(++i));
                } else if (word.startsWith("-P")) {
                    call.addProfiles(word.substring(2));
                } else if (word.startsWith("--activate-profiles=")) {
                    call.addProfiles(word.substring("--activate-profiles=".length()));
                } else if (OPTIONS_WITH_VALUE.contains(word)) {
                    i++;
                } else if (!word.startsWith("-")) {
                    call.addTask(word);
                }
            }
            return call;
        }

        private static boolean isMaven(String word) {
            String name = word.substring(word.lastIndexOf('/') + 1);
            return name.equals("mvn") || name.equals("mvnw") || name.equals("mvn.cmd") || name.equals("mvnw.cmd");
        }

        private void addProperty(String definition) {
            int eq = definition.indexOf('=');
            properties.put(eq < 0 ? definition : definition.substring(0, eq), eq < 0 ? "true" : definition.substring(eq + 1));
        }

        private void addProfiles(String list) {
            for (String profile : list.split(",")) {
                profiles.add(profile.strip().replaceFirst("^[!+?-]+", ""));
            }
        }

        private void addTask(String word) {
            Matcher m = EXP_PLUGIN_GOAL.matcher(word);
            if (m.matches()) {
                goals.add("exp:" + m.group(2));
            } else if (word.contains(":")) {
                goals.add(word);
            } else {
                phases.add(word);
            }
        }
    }

    /** Splits a shell line into words as sh would (quotes, backslashes, comments), keeping && || ; | < > as words of their own. */
    static final class ShellWords {
        private static final String OPERATOR_CHARS = "&|;<>";

        static boolean isOperator(String word) {
            return word.matches("[0-9]*[&|;<>]+");
        }

        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = null;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (Character.isWhitespace(c)) {
                    word = flush(words, word);
                } else if (c == '#' && word == null) {
                    break;
                } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                    // 2>&1: a file descriptor number belongs to its redirection, it is no word of the command
                    boolean fd = (c == '<' || c == '>') && word != null && word.toString().matches("[0-9]+");
                    String prefix = fd ? word.toString() : "";
                    word = fd ? null : flush(words, word);
                    int end = i + 1 < line.length() && line.charAt(i + 1) == c ? i + 2 : i + 1;
                    words.add(prefix + line.substring(i, end));
                    i = end - 1;
                } else {
                    word = word == null ? new StringBuilder() : word;
                    i = appendQuotedOrPlain(line, i, word);
                }
            }
            flush(words, word);
            return words;
        }

        /** Appends the piece of a word at i (a quoted part, an escaped char, a GitHub ${{ }} expression or one char); returns its last index. */
        private static int appendQuotedOrPlain(String line, int i, StringBuilder word) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = closing(line, i, "'");
                word.append(line, i + 1, end);
                return end;
            }
            if (c == '"') {
                int end = i + 1;
                while (end < line.length() && line.charAt(end) != '"') {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                if (end >= line.length()) {
                    throw new AssertionError("unclosed \" in: " + line);
                }
                word.append(line.substring(i + 1, end).replaceAll("\\\\([\"\\\\$`])", "$1"));
                return end;
            }
            if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(i + 1));
                return i + 1;
            }
            if (line.startsWith("${{", i)) {
                int end = closing(line, i, "}}");
                word.append(line, i, end + 2);
                return end + 1;
            }
            word.append(c);
            return i;
        }

        private static int closing(String line, int from, String close) {
            int end = line.indexOf(close, from + 1);
            if (end < 0) {
                throw new AssertionError("unclosed " + close + " in: " + line);
            }
            return end;
        }

        private static StringBuilder flush(List<String> words, StringBuilder word) {
            if (word != null) {
                words.add(word.toString());
            }
            return null;
        }
    }
}
