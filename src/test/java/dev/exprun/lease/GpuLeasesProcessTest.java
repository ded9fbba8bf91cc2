package dev.exprun.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.testing.Cmd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two builds in two linked worktrees of one repository, each in its own JVM, leasing GPUs from one lease directory. */
class GpuLeasesProcessTest {
    private static final String POOL = "0,1,2,3";
    private static final long BOUND_S = 120;

    @TempDir
    Path tmp;
    private Path wtA;
    private Path wtB;
    private Path leaseDir;
    private final List<Drill> started = new ArrayList<>();

    @BeforeEach
    void twoWorktreesOfOneRepository() throws Exception {
        Path main = tmp.resolve("repo");
        PersonIdent author = new PersonIdent("Test", "test@example.com", Instant.parse("2024-01-02T03:04:05Z"), ZoneOffset.UTC);
        try (Git git = Git.init().setDirectory(main.toFile()).setInitialBranch("main").call()) {
            Files.writeString(main.resolve("train.py"), "lr = 0.1\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("base").setAuthor(author).setCommitter(author).setSign(false).call();
        }
        // JGit cannot add linked worktrees: the git CLI does.
        wtA = tmp.resolve("wt-a");
        wtB = tmp.resolve("wt-b");
        Cmd.run(main, "git", "worktree", "add", "-q", wtA.toString(), "-b", "exp/a");
        Cmd.run(main, "git", "worktree", "add", "-q", wtB.toString(), "-b", "exp/b");
        wtA = wtA.toRealPath();
        wtB = wtB.toRealPath();
        leaseDir = tmp.resolve("leases");
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(d -> d.process.destroyForcibly());
    }

    @ParameterizedTest(name = "pool {0}")
    @ValueSource(strings = {POOL, "0,1"})
    void twoBuildsSweepingInTwoWorktreesNeverShareAGpu(String pool) throws Exception {
        Path eventsA = tmp.resolve("events-a.txt");
        Path eventsB = tmp.resolve("events-b.txt");
        Drill a = start(wtA, "sweep", leaseDir.toString(), "dev.exprun.it:sweep-a", pool, eventsA.toString(), "A", "6", "2", "300");
        Drill b = start(wtB, "sweep", leaseDir.toString(), "dev.exprun.it:sweep-b", pool, eventsB.toString(), "B", "6", "2", "300");
        a.await("ready"::equals);
        b.await("ready"::equals);
        a.send("go");
        b.send("go");

        assertEquals(0, a.exit(), a::output);
        assertEquals(0, b.exit(), b::output);

        List<Interval> intervals = new ArrayList<>(intervals(eventsA, "A"));
        intervals.addAll(intervals(eventsB, "B"));
        assertEquals(12, intervals.size(), () -> intervals.toString());
        Map<String, List<Interval>> byDevice = new HashMap<>();
        for (Interval i : intervals) {
            assertTrue(Arrays.asList(pool.split(",")).contains(i.device), i::toString);
            byDevice.computeIfAbsent(i.device, k -> new ArrayList<>()).add(i);
        }
        for (List<Interval> onDevice : byDevice.values()) {
            onDevice.sort(Comparator.comparingLong(Interval::acquired));
            for (int k = 1; k < onDevice.size(); k++) {
                Interval before = onDevice.get(k - 1);
                Interval after = onDevice.get(k);
                assertTrue(before.releasing <= after.acquired, () -> "overlap on one GPU: " + before + " and " + after);
            }
        }
    }

    @Test
    void aBuildThatHoldsEveryGpuIsNamedAndItsLeasesGoWhenItIsKilled() throws Exception {
        Drill a = start(wtA, "hold", leaseDir.toString(), "dev.exprun.it:sweep-a", POOL);
        a.await("holding 0,1,2,3"::equals);

        Drill refused = start(wtB, "probe", leaseDir.toString(), "dev.exprun.it:sweep-b", POOL, "fail");
        assertEquals(3, refused.exit(), refused::output);
        assertTrue(refused.output().contains("ERROR GPU lease: trial probe cannot get 1 of GPUs 0,1,2,3 at once (gpuWait=fail): 0,1,2,3 "
                + "leased by pid " + a.process.pid() + " (dev.exprun.it:sweep-a, " + wtA + ", trial holder) since "), refused::output);
        assertTrue(refused.output().contains("Fix: Set <gpuWait> (-Dexp.gpuWait) to a longer duration such as 2h, or to forever;"
                + " or wait for the builds that hold them."), refused::output);

        a.process.destroyForcibly();
        assertTrue(a.process.waitFor(BOUND_S, TimeUnit.SECONDS));
        assertNotEquals(0, a.process.exitValue());
        assertTrue(Files.readString(leaseDir.resolve("gpu-0.lock")).contains("\"pid\":" + a.process.pid()),
                "SIGKILL skips the clean-up: the killed build's name stays in the file, its lock does not");

        Drill next = start(wtB, "probe", leaseDir.toString(), "dev.exprun.it:sweep-b", POOL, "30s");
        assertEquals(0, next.exit(), next::output);
        assertTrue(next.output().contains("got 0\n"), next::output);
    }

    private record Interval(String device, long acquired, long releasing, String jvm, String trial) {
    }

    /** Each trial's time on its GPU; every trial must have exactly one acquired and one releasing, on the same device. */
    private static List<Interval> intervals(Path events, String jvm) throws IOException {
        Map<String, String[]> acquired = new HashMap<>();
        List<Interval> intervals = new ArrayList<>();
        for (String line : Files.readAllLines(events)) {
            String[] f = line.split(" ");
            assertEquals(jvm, f[3], line);
            if (f[0].equals("acquired")) {
                assertEquals(null, acquired.put(f[4], f), () -> "trial leased twice: " + line);
            } else {
                String[] a = acquired.get(f[4]);
                assertEquals(a[1], f[1], () -> "trial released another GPU than it got: " + line);
                intervals.add(new Interval(f[1], Long.parseLong(a[2]), Long.parseLong(f[2]), jvm, f[4]));
            }
        }
        assertEquals(List.of("t01", "t02", "t03", "t04", "t05", "t06"), intervals.stream().map(Interval::trial).sorted().toList());
        return intervals;
    }

    private Drill start(Path workTree, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), GpuLeaseDrill.class.getName()));
        command.addAll(List.of(args));
        Drill drill = new Drill(new ProcessBuilder(command).directory(workTree.toFile()).redirectErrorStream(true).start());
        started.add(drill);
        return drill;
    }

    /** A drill JVM whose output lines are collected as they come, so a test can wait for one. */
    private static final class Drill {
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        Drill(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "drill-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                try (Stream<String> all = in.lines()) {
                    all.forEach(l -> {
                        output.append(l).append('\n');
                        lines.add(l);
                    });
                }
            } catch (IOException | UncheckedIOException e) {
                // Killed: its output ends here.
            }
        }

        void await(Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("the drill never printed the line awaited; its output:\n" + output());
                }
                if (wanted.test(line)) {
                    return;
                }
            }
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        int exit() throws InterruptedException {
            if (!process.waitFor(BOUND_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the drill did not end; its output:\n" + output());
            }
            reader.join(TimeUnit.SECONDS.toMillis(BOUND_S));
            return process.exitValue();
        }

        String output() {
            return output.toString();
        }
    }
}
