package dev.exprun.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpFailure;
import dev.exprun.testing.ChildBuild;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** exp:shell against the real engine: a script piped to it, its output, its exit code, and no container left, however it ends. */
class ShellSessionEngineTest extends SessionEngineTestSupport {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    ShellSessionEngineTest() {
        super("shell");
    }

    private void shell(Projects.Config config, String script) {
        Terminal piped = new Terminal(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out, err, false);
        new ShellSession(log).run(config.build(), piped);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPipedScriptRunsInTheTorchImageInBashWithTheWorkTreeWritable() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print('hi')\n"));
        Projects.Config config = Projects.config(repo, project);
        config.image = TestEngine.TORCH;
        config.params.put("lr", "0.1");
        shell(config, "echo \"shell=$0 pwd=$PWD out=$EXP_OUTPUT_DIR params=$EXP_PARAMS\"\n"
                + "python3 -c \"import torch, exprun; print('torch', torch.__version__, exprun.params())\"\n"
                + "echo edited > /workspace/made-in-shell.txt\n");

        assertEquals("shell=bash pwd=/workspace out=/exp/out params={\"lr\":0.1}\ntorch 1.13.0a0 {'lr': 0.1}\n", out());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals("edited\n", Files.readString(repo.resolve("made-in-shell.txt")), "the work tree is mounted read-write");
        List<String> lines = log.lines();
        assertTrue(lines.contains("INFO Shell in " + TestEngine.TORCH + ": bash (sh where the image has no bash), work tree at "
                + "/workspace (read-write), on plain stdin and stdout."), lines.toString());
        assertTrue(lines.contains("INFO This session is not a recorded run: no run record, no git note."), lines.toString());
        assertTrue(lines.contains("INFO The shell exited with code 0; its container was removed."), lines.toString());
        assertEquals(List.of(), TestEngine.containersLabelled(label()));
        assertFalse(Files.exists(repo.resolve("target/exp/runs")), "no run directory");
        assertFalse(Files.exists(repo.resolve("target/exp/last-run.json")), "no run record");
        assertEquals(List.of(), listed(repo.resolve("target/exp/sessions")), "the session's own directory goes with it");
        assertEquals("", dev.exprun.testing.Cmd.run(repo, "git", "notes", "--ref=exprun", "list"), "no note");
    }

    @Test
    void theExitCodeIsPassedOnAndShIsTheShellWhereTheImageHasNoBash() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        ExpFailure e = assertThrows(ExpFailure.class,
                () -> shell(Projects.config(repo, project), "echo \"shell=$0\"\necho oops >&2\nexit 3\necho never\n"));

        assertEquals("The shell exited with code 3.", e.getMessage());
        assertEquals("shell=sh\n", out());
        assertEquals("oops\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), TestEngine.containersLabelled(label()));
    }

    @Test
    void workspaceMountRoIsHonoured() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Projects.Config config = Projects.config(repo, project);
        config.workspaceMount = "ro";
        assertThrows(ExpFailure.class, () -> shell(config, "echo x > /workspace/README\n"));
        assertEquals("x\n", Files.readString(repo.resolve("README")));
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("work tree at /workspace (read-only)")), log.lines().toString());
    }

    /**
     * At a terminal (a pseudo-terminal from util-linux's script, 45 rows by 123 columns): the container gets a terminal of
     * the same size, the keys typed reach its shell, the log lines before the session still end in CR LF (printed before
     * raw mode), and the terminal is back in its mode after it (the failure's lines end in CR LF again).
     */
    @Test
    void atATerminalTheContainerGetsATerminalOfTheSameSize() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        List<String> java = ChildBuild.java(List.of(), ShellHarness.class, repo.toString(), project, "tty").command();
        Path launcher = Files.writeString(tmp.resolve("at-a-terminal.sh"), "stty rows 45 cols 123\nexec "
                + String.join(" ", java.stream().map(a -> "'" + a + "'").toList()) + "\n");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", "sh " + launcher, "/dev/null").redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", TestEngine.host());
        Process terminal = pb.start();
        RawOutput output = new RawOutput(terminal);
        OutputStream keys = terminal.getOutputStream(); // stays open, as a keyboard does
        keys.write("tty\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        // The size is set right after the container starts; the answer to the first command shows the shell runs by then.
        output.await("\r\n/dev/pts/", 120);
        keys.write("stty size\nexit 4\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        String all = output.untilEnd(terminal, 120);

        assertTrue(all.contains("work tree at /workspace (read-write), in a terminal.\r\n"), all);
        assertTrue(all.contains("This session is not a recorded run: no run record, no git note.\r\n"), all);
        assertTrue(all.contains("\r\n45 123\r\n"), all);
        assertTrue(all.contains("The shell exited with code 4.\r\n"), all);
        assertEquals(List.of(), TestEngine.containersLabelled(label()));
    }

    /** A process's output as bytes came (carriage returns kept), read on a thread of its own. */
    private static final class RawOutput {
        private final StringBuilder text = new StringBuilder();
        private final Thread reader;

        RawOutput(Process process) {
            reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (var in = process.getInputStream()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        synchronized (this) {
                            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            notifyAll();
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process is gone
                }
            }, "terminal-output");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized void await(String fragment, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
            while (text.indexOf(fragment) < 0) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertTrue(left > 0 && reader.isAlive(), "never saw " + fragment + " in:\n" + text);
                wait(left);
            }
        }

        String untilEnd(Process process, long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(java.util.concurrent.TimeUnit.SECONDS.toMillis(seconds));
            synchronized (this) {
                return text.toString();
            }
        }
    }

    private Process startShellAndWaitForIt(Path repo) throws Exception {
        ProcessBuilder pb = ChildBuild.java(List.of(), ShellHarness.class, repo.toString(), project);
        pb.environment().put("DOCKER_HOST", TestEngine.host());
        Process build = pb.start();
        OutputStream stdin = build.getOutputStream();
        // Stdin stays open: the shell waits for more, as one at a terminal does.
        stdin.write("echo shell-is-up\nexec sleep 120\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return ChildBuild.awaitLine(build, line -> line.equals("shell-is-up"), 120);
    }

    @Test
    void sigtermOfTheBuildStopsAndRemovesTheContainer() throws Exception {
        Process build = startShellAndWaitForIt(Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n")));
        List<String> running = TestEngine.containersLabelled(label());

        ChildBuild.terminate(build);

        assertEquals(1, running.size(), "the session's container ran");
        assertEquals(List.of(), TestEngine.containersLabelled(label()), "and is gone");
    }

    @Test
    void afterSigkillTheNextSessionSweepsTheLeftover() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Process build = startShellAndWaitForIt(repo);
        long pid = build.pid();
        build.destroyForcibly();
        build.waitFor();
        assertEquals(1, TestEngine.containersLabelled(label()).size(), "SIGKILL skips every hook: the container stays");

        shell(Projects.config(repo, project), "exit 0\n");

        assertTrue(log.lines().stream().anyMatch(l -> l.matches("WARN Removing leftover container exp-shell-\\S+ of exp:shell session "
                + "shell-\\S+ \\(its build, pid " + pid + ", is gone\\)")), log.lines().toString());
        assertEquals(List.of(), TestEngine.containersLabelled(label()));
    }

    private static List<Path> listed(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
