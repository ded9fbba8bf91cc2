package dev.exprun.workbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerLabels;
import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.ImageReference;
import dev.exprun.container.ImageResolver;
import dev.exprun.container.Mount;
import dev.exprun.container.PullPolicy;
import dev.exprun.container.ResolvedImage;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RunId;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * exp:devcontainer on the real engine: the file names the image a run would use, and the container it describes, started
 * through the engine with exactly its settings (as an editor's dev container tool would), is the run's environment.
 */
class DevContainerEngineTest {
    private static final String PROBE = """
            import exprun, torch, os
            print("exprun=" + exprun.__file__)
            print("torch=" + torch.__version__.split("a")[0])
            print("token=" + os.environ.get("HF_TOKEN", "<unset>"))
            print("cwd=" + os.getcwd())
            print("uid=%d:%d" % (os.getuid(), os.getgid()))
            shm = os.statvfs("/dev/shm")
            print("shm=%d" % (shm.f_blocks * shm.f_frsize))
            print("root=" + open("/workspace/README.md").read().strip())
            open("edited-in-container.txt", "w").write("saved\\n")
            """;

    private static final String PROJECT = "devcontainer";

    @TempDir
    Path tmp;

    private static ResolvedImage resolvedAsARunWould(String image) {
        try (EngineConnection engine = TestEngine.open()) {
            return new ImageResolver(engine, ExpLog.NONE, Map.of()).resolve(ImageReference.parse(image), PullPolicy.NEVER);
        }
    }

    @Test
    void theDescribedContainerIsTheRunsEnvironmentWithTheWorkTreeWritable() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README.md", "the work tree's root\n",
                "models/mlp/train.py", "print('training')\n"));
        Path projectDir = repo.resolve("models/mlp");
        Projects.Config config = Projects.config(projectDir, PROJECT);
        config.image = TestEngine.TORCH;
        config.env.put("HF_TOKEN", "configured-secret");
        CapturingLog log = new CapturingLog();

        Path written = new DevContainerWriter(log).write(config.build(), false);

        assertEquals(projectDir.resolve(".devcontainer/devcontainer.json"), written);
        String text = Files.readString(written);
        assertFalse(text.contains("configured-secret"), text);
        JsonNode file = new ObjectMapper().readTree(text);
        ResolvedImage image = resolvedAsARunWould(TestEngine.TORCH);
        assertEquals(image.pinnedReference(), file.path("image").asText());
        assertTrue(log.lines().contains("INFO Image: " + image.describe()), log.lines().toString());
        assertTrue(log.lines().contains("INFO Taken from your environment when the editor starts the container (never written): HF_TOKEN"),
                log.lines().toString());

        Editor editor = new Editor(file, projectDir, Map.of("HF_TOKEN", "from-my-shell"));
        List<String> out = editor.start(tmp.resolve("container.log"), "python3", "-c", PROBE);

        assertEquals(List.of(
                "exprun=/exp/lib/exprun.py",
                "torch=1.13.0",
                "token=from-my-shell",
                "cwd=/workspace/models/mlp",
                "uid=" + Cmd.run(null, "id", "-u") + ":" + Cmd.run(null, "id", "-g"),
                "shm=" + (2L << 30),
                "root=the work tree's root"), out);
        Path edited = projectDir.resolve("edited-in-container.txt");
        assertEquals("saved\n", Files.readString(edited), "the work tree is writable");
        assertEquals(Integer.parseInt(Cmd.run(null, "id", "-u")), Files.getAttribute(edited, "unix:uid"), "the file is the user's");
    }

    @Test
    void aFileOfTheUsersIsRefusedBeforeTheEngineIsAskedThenForcedThenItsOwnIsRewritten() throws Exception {
        Path projectDir = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", "echo hi\n"));
        Projects.Config config = Projects.config(projectDir, PROJECT);
        Path path = projectDir.resolve(".devcontainer/devcontainer.json");
        Files.createDirectories(path.getParent());
        byte[] users = "{\"image\": \"python:3.12\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(path, users);
        CapturingLog refusedLog = new CapturingLog();

        ExpFailure refused = assertThrows(ExpFailure.class, () -> new DevContainerWriter(refusedLog).write(config.build(), false));

        assertTrue(refused.getMessage().startsWith("The file " + path + " exists and was not written by exp:devcontainer"), refused.getMessage());
        assertArrayEquals(users, Files.readAllBytes(path));
        assertEquals(List.of(), refusedLog.lines(), "refused before anything else");

        CapturingLog forcedLog = new CapturingLog();
        new DevContainerWriter(forcedLog).write(config.build(), true);
        ResolvedImage image = resolvedAsARunWould(TestEngine.TINY);
        JsonNode file = new ObjectMapper().readTree(path.toFile());
        assertEquals(image.pinnedReference(), file.path("image").asText());
        // Podman keeps the image's repo digest under its local name; Docker keeps none for an imported image (README, "image")
        assertEquals(TestEngine.isDocker() ? image.imageId() : "localhost/exp-test/tiny@" + image.digest(), file.path("image").asText());
        assertEquals(TestEngine.isDocker(), forcedLog.lines().contains("WARN The image has no registry digest, so devcontainer.json names it "
                + "by its image id, which only this engine (" + TestEngine.host() + ") knows: open the project with an editor that uses "
                + "this engine."), forcedLog.lines().toString());
        assertTrue(forcedLog.lines().contains("INFO Wrote " + path + ": image " + image.pinnedReference() + ", the work tree at /workspace "
                + "(read-write), exprun from " + projectDir.resolve(".devcontainer/exprun-lib")), forcedLog.lines().toString());

        config.shmSize = "1g";
        new DevContainerWriter(new CapturingLog()).write(config.build(), false);
        assertEquals("--shm-size=" + (1L << 30), new ObjectMapper().readTree(path.toFile()).path("runArgs").get(0).asText(),
                "its own file is rewritten without force");
    }

    /**
     * What a dev container tool does with the file, for the parts exp:devcontainer writes: ${localWorkspaceFolder} and
     * ${localEnv:NAME} substituted, --mount strings as bind mounts, the runArgs it writes; anything else fails the test.
     */
    private record Editor(JsonNode file, Path opened, Map<String, String> localEnv) {
        private static final Pattern LOCAL_ENV = Pattern.compile("\\$\\{localEnv:([A-Za-z_][A-Za-z0-9_]*)}");

        List<String> start(Path rawLog, String... command) {
            List<Mount> mounts = new ArrayList<>(List.of(mount(file.path("workspaceMount").asText())));
            file.path("mounts").forEach(m -> mounts.add(mount(m.asText())));
            Map<String, String> env = new HashMap<>();
            file.path("containerEnv").fields().forEachRemaining(e -> env.put(e.getKey(), substitute(e.getValue().asText())));
            long shm = 64L << 20; // the engine's default
            String network = null;
            for (JsonNode arg : file.path("runArgs")) {
                String a = arg.asText();
                if (a.startsWith("--shm-size=")) {
                    shm = Long.parseLong(a.substring("--shm-size=".length()));
                } else if (a.startsWith("--network=")) {
                    network = a.substring("--network=".length());
                } else {
                    fail("runArg not understood here: " + a);
                }
            }
            String runId = RunId.next(Instant.now());
            ContainerSpec spec = new ContainerSpec("exp-test-devc-" + runId, file.path("image").asText(), List.of(command), env,
                    ContainerRunner.labels(runId, "test.exprun:" + PROJECT, null, BuildIdentity.current(), null), mounts,
                    file.path("workspaceFolder").asText(), file.path("containerUser").asText(null), shm, network, GpuRequest.parse("none"),
                    null, ContainerSpec.Limits.NONE);
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            try (EngineConnection engine = TestEngine.open(); ShutdownGuard guard = new ShutdownGuard(engine.client(), () -> { })) {
                ContainerOutcome outcome = new ContainerRunner(engine, ExpLog.NONE)
                        .run(spec, rawLog, (err, line) -> lines.add((err ? "[err] " : "") + line), Duration.ofMinutes(2), guard);
                assertEquals(0, outcome.exitCode(), lines.toString());
            }
            assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.RUN_ID + "=" + runId), "the container is gone");
            return lines;
        }

        private Mount mount(String spec) {
            Map<String, String> options = new HashMap<>();
            for (String option : substitute(spec).split(",")) {
                int eq = option.indexOf('=');
                options.put(eq < 0 ? option : option.substring(0, eq), eq < 0 ? "" : option.substring(eq + 1));
            }
            assertEquals("bind", options.get("type"), spec);
            return new Mount(Path.of(options.get("source")), options.get("target"), options.containsKey("readonly"));
        }

        private String substitute(String value) {
            Matcher m = LOCAL_ENV.matcher(value.replace("${localWorkspaceFolder}", opened.toString()));
            return m.replaceAll(r -> Matcher.quoteReplacement(localEnv.getOrDefault(r.group(1), "")));
        }
    }
}
