package dev.exprun.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.exprun.container.EngineConnection;
import dev.exprun.core.ExpFailure;
import dev.exprun.testing.ChildBuild;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * exp:notebook against the real engine: Jupyter (Debian's jupyter-notebook 6.4 in the test image) answers at the printed URL
 * with its token and refuses others, only on loopback; Ctrl-C (SIGTERM of the build) leaves no container; an image without
 * Jupyter and a busy port are refused with what to do.
 */
class NotebookSessionEngineTest extends SessionEngineTestSupport {
    NotebookSessionEngineTest() {
        super("notebook");
    }

    @Test
    void jupyterServesTheWorkTreeAtThePrintedUrlOnLoopbackOnlyUntilCtrlC() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print('hi')\n"));
        int port = freePort();
        ProcessBuilder pb = ChildBuild.java(List.of(), NotebookHarness.class, repo.toString(), project, TestEngine.JUPYTER,
                String.valueOf(port));
        pb.environment().put("DOCKER_HOST", TestEngine.host());
        Process build = pb.start();
        ChildBuild.Lines lines = new ChildBuild.Lines(build);
        Pattern ready = Pattern.compile("Jupyter is ready: (http://127\\.0\\.0\\.1:" + port + "/tree\\?token=([0-9a-f]{48}))");
        Matcher url = ready.matcher(lines.await(l -> ready.matcher(l).matches(), 240));
        assertTrue(url.matches());
        String token = url.group(2);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();
        HttpClient noRedirects = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> contents = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/contents?token=" + token))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongToken = noRedirects.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/tree?token=" + "0".repeat(48))).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongTokenApi = noRedirects.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/contents?token=" + "0".repeat(48))).build(), HttpResponse.BodyHandlers.ofString());
        List<String> running = TestEngine.containersLabelled(label());
        InspectContainerResponse container;
        try (EngineConnection engine = TestEngine.open()) {
            container = engine.client().inspectContainerCmd(running.get(0)).exec();
        }
        String inspected = TestEngine.docker("inspect", running.get(0));

        ChildBuild.terminate(build);
        List<String> all = lines.allAfterEnd(30);

        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains(TREE_TITLE), page.body());
        assertEquals(200, contents.statusCode(), contents.body());
        assertTrue(contents.body().contains("\"name\": \"train.py\"") || contents.body().contains("\"name\":\"train.py\""),
                "the notebook directory is the project's work tree: " + contents.body());
        assertEquals(302, wrongToken.statusCode(), "a wrong token is sent to the login page");
        assertTrue(wrongToken.headers().firstValue("location").orElse("").startsWith("/login?next="), wrongToken.headers().toString());
        assertEquals(403, wrongTokenApi.statusCode(), wrongTokenApi.body());

        assertEquals(1, running.size(), "one container ran");
        Ports.Binding[] bindings = container.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(8888));
        assertEquals(1, bindings.length, "published once: " + container.getHostConfig().getPortBindings());
        assertEquals("127.0.0.1", bindings[0].getHostIp(), "on loopback only");
        assertEquals(String.valueOf(port), bindings[0].getHostPortSpec());
        assertFalse(inspected.contains(token), "the token is in none of the container's configuration (command, env, labels)");

        assertTrue(all.contains("Jupyter in " + TestEngine.JUPYTER + ", notebooks in /workspace (work tree read-write), published on "
                + "127.0.0.1:" + port + "."), all.toString());
        assertTrue(all.contains("This session is not a recorded run: no run record, no git note."), all.toString());
        assertTrue(all.stream().anyMatch(l -> l.contains("Jupyter Notebook 6.4.12 is running at:")), "Jupyter's log is streamed: " + all);
        assertEquals(1, all.stream().filter(l -> l.contains(token)).count(), "the token is printed once, in the URL line (Jupyter logs no request to /tree): " + all);
        assertEquals("Jupyter stopped; its container was removed.", all.get(all.size() - 1), all.toString());
        assertEquals(List.of(), TestEngine.containersLabelled(label()), "no container is left");
        assertFalse(Files.exists(repo.resolve("target/exp/runs")), "no run directory");
        assertFalse(Files.exists(repo.resolve("target/exp/last-run.json")), "no run record");
        assertEquals(List.of(), filesHolding(repo, token), "the token is in no file of the project");
        assertEquals("", dev.exprun.testing.Cmd.run(repo, "git", "notes", "--ref=exprun", "list"), "no note");
    }

    /** Notebook 6.4's title of the file tree at the notebook directory. */
    private static final String TREE_TITLE = "<title>Home Page - Select or create a notebook</title>";

    @Test
    void anImageWithoutJupyterIsRefusedWithHowToAddIt() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExpFailure e = assertThrows(ExpFailure.class, () -> new NotebookSession(log).run(Projects.config(repo, project).build(),
                new NotebookAddress("127.0.0.1", freePort()), new Terminal(InputStream.nullInputStream(), new ByteArrayOutputStream(), err, false)));

        assertEquals("The image " + TestEngine.TINY + " has no Jupyter: neither jupyter-notebook nor the Python module notebook is in it.",
                e.getMessage());
        assertEquals("add Jupyter to the image's Dockerfile, e.g. RUN apt-get install -y jupyter-notebook (Debian, Ubuntu) or RUN pip "
                + "install notebook, and set <image> to the new image", e.fix());
        assertEquals(List.of(), TestEngine.containersLabelled(label()), "no container is left");
    }

    @Test
    void aBusyPortIsNamedWithThePropertyToChooseAnother() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Projects.Config config = Projects.config(repo, project);
        config.image = TestEngine.JUPYTER;
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            ExpFailure e = assertThrows(ExpFailure.class, () -> new NotebookSession(log).run(config.build(),
                    new NotebookAddress("127.0.0.1", port), new Terminal(InputStream.nullInputStream(), System.out, System.err, false)));

            assertEquals("Port " + port + " on 127.0.0.1 is already in use (Address already in use).", e.getMessage());
            assertEquals("stop what listens there, or set <port> (-Dexp.port) to another, e.g. -Dexp.port=" + (port + 1), e.fix());
        }
        assertEquals(List.of(), TestEngine.containersLabelled(label()), "no container was made");
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static List<Path> filesHolding(Path dir, String text) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
                } catch (java.io.IOException e) {
                    return false;
                }
            }).toList();
        }
    }
}
