package dev.exprun.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpLog;
import dev.exprun.record.RunId;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.TestEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real engine: the log is lossless, exit codes and timeouts are right, nothing is left behind. */
class ContainerRunnerEngineTest {
    private static EngineConnection engine;
    private static ResolvedImage tiny;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        engine = TestEngine.open();
        tiny = new ImageResolver(engine, ExpLog.NONE, Map.of()).resolve(ImageReference.parse(TestEngine.TINY), PullPolicy.NEVER);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private record Ran(ContainerOutcome outcome, List<String> lines, Path log, String runId, List<String> runnerLog) {
    }

    private Ran run(Duration timeout, String... command) {
        String runId = RunId.next(Instant.now());
        ContainerSpec spec = new ContainerSpec("exp-test-" + runId, tiny.imageId(), List.of(command), Map.of("A", "1"),
                ContainerRunner.labels(runId, "test:runner", null, BuildIdentity.current(), null), List.of(), "/", null,
                64L << 20, null, GpuRequest.parse("none"), null, ContainerSpec.Limits.NONE);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Path log = dir.resolve(runId + ".log");
        try (ShutdownGuard guard = new ShutdownGuard(engine.client(), () -> { })) {
            dev.exprun.testing.CapturingLog runnerLog = new dev.exprun.testing.CapturingLog();
            ContainerOutcome outcome = new ContainerRunner(engine, runnerLog)
                    .run(spec, log, (err, line) -> lines.add((err ? "E " : "O ") + line), timeout, guard);
            assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.RUN_ID + "=" + runId), "container removed");
            return new Ran(outcome, lines, log, runId, runnerLog.lines());
        }
    }

    @Test
    void exitCodeAndTheLastLineWithoutNewline() throws Exception {
        Ran ran = run(null, "sh", "-c", "echo first; printf 'last line'; exit 3");
        assertEquals(3, ran.outcome().exitCode());
        assertEquals(List.of("O first", "O last line"), ran.lines());
        assertEquals("first\nlast line", Files.readString(ran.log()));
        assertEquals(List.of("first", "last line"), ran.outcome().lastLines());
    }

    @Test
    void stdoutAndStderrAreToldApart() {
        Ran ran = run(null, "sh", "-c", "echo out; echo err >&2");
        assertEquals(java.util.Set.of("O out", "E err"), java.util.Set.copyOf(ran.lines()));
    }

    @Test
    void twoHundredThousandLinesAtFullSpeedLoseNothing() throws Exception {
        Ran ran = run(null, "seq", "1", "200000");
        assertEquals(0, ran.outcome().exitCode());
        List<String> raw = Files.readAllLines(ran.log());
        assertEquals(200_000, raw.size());
        assertEquals("1", raw.get(0));
        assertEquals("200000", raw.get(199_999));
        // The live stream is an attach made before the start: every line shown once, in order, no replay.
        assertEquals(200_000, ran.lines().size());
        for (int i = 1; i <= 200_000; i++) {
            assertEquals("O " + i, ran.lines().get(i - 1));
        }
        assertEquals(List.of(), ran.runnerLog().stream().filter(l -> l.startsWith("WARN")).toList());
    }

    @Test
    void binaryBytesAndAVeryLongLineReachTheRawLogUnchanged() throws Exception {
        Ran ran = run(null, "sh", "-c", "printf '\\000\\377\\376\\nabc'; head -c 3000000 /dev/zero | tr '\\000' x");
        byte[] raw = Files.readAllBytes(ran.log());
        assertEquals(3 + 1 + 3 + 3_000_000, raw.length);
        assertArrayEquals(new byte[] {0, (byte) 0xff, (byte) 0xfe, '\n', 'a', 'b', 'c', 'x'}, java.util.Arrays.copyOf(raw, 8));
        assertEquals('x', raw[raw.length - 1]);
        assertTrue(ran.lines().get(1).startsWith("O abcxxx"));
    }

    @Test
    void aTimeoutStopsTheContainer() {
        long start = System.nanoTime();
        Ran ran = run(Duration.ofSeconds(2), "sh", "-c", "echo started; sleep 60");
        assertTrue(ran.outcome().timedOut());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30);
        assertTrue(ran.lines().contains("O started"));
    }

    @Test
    void theEnvironmentReachesTheContainer() {
        Ran ran = run(null, "sh", "-c", "echo A=$A");
        assertEquals(List.of("O A=1"), ran.lines());
        assertEquals("A=1\n", new String(readQuietly(ran.log()), StandardCharsets.UTF_8));
    }

    /** A finished container whose output the test reads itself, as if the live stream had lost parts of it. */
    private String finishedContainer(String script) throws InterruptedException {
        String runId = RunId.next(Instant.now());
        String id = engine.client().createContainerCmd(tiny.imageId()).withName("exp-test-" + runId).withCmd("sh", "-c", script)
                .withLabels(ContainerRunner.labels(runId, "test:runner", null, BuildIdentity.current(), null)).exec().getId();
        engine.client().startContainerCmd(id).exec();
        engine.client().waitContainerCmd(id).start().awaitStatusCode();
        return id;
    }

    private record Reconciled(String raw, List<String> lines, CapturingLog log) {
    }

    /** Feeds {@code streamed} to a pump as the live stream, ends it cleanly, and reconciles. */
    private Reconciled reconcile(String id, String streamed) throws Exception {
        Path raw = dir.resolve(id + ".log");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CapturingLog log = new CapturingLog();
        LogPump pump = new LogPump(raw, (err, line) -> lines.add(line), 10);
        byte[] bytes = streamed.getBytes(StandardCharsets.UTF_8);
        pump.accept(false, bytes, 0, bytes.length);
        pump.onComplete();
        try {
            new LogReconciler(engine.client(), log, EngineIdentity.DOCKER.equals(engine.info().name())).reconcile(id, raw, pump);
            pump.finish();
        } finally {
            ContainerRunner.removeQuietly(engine.client(), id);
        }
        return new Reconciled(Files.readString(raw), lines, log);
    }

    @Test
    void aLiveLogThatLostItsEndGetsItFromTheEnginesCopy() throws Exception {
        String id = finishedContainer("seq 1 100");
        StringBuilder first = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            first.append(i).append('\n');
        }
        Reconciled r = reconcile(id, first.toString());
        assertEquals(100, r.raw().lines().count());
        assertTrue(r.raw().endsWith("99\n100\n"));
        assertEquals(100, r.lines().size());
        assertTrue(r.log().contains("WARN The live log missed the last "), r.log().lines().toString());
    }

    @Test
    void aLiveLogWithAGapIsReplacedByTheEnginesCopyFromTheGapOn() throws Exception {
        String id = finishedContainer("seq 1 100");
        StringBuilder gap = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            if (i != 50) {
                gap.append(i).append('\n');
            }
        }
        Reconciled r = reconcile(id, gap.toString());
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(Integer::toString).toList(), r.raw().lines().toList());
        assertTrue(r.log().contains("WARN The live log differs from the engine's copy after byte 139 of 292"), r.log().lines().toString());
        assertEquals("50", r.lines().get(99), "shown again from the gap on");
    }

    @Test
    void aCompleteLiveLogIsNotReadAgain() throws Exception {
        // stdout and stderr are two pipes: without the pause Docker may file the stderr line before stdout's
        String id = finishedContainer("seq 1 100; sleep 0.2; echo oops >&2");
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            all.append(i).append('\n');
        }
        Reconciled r = reconcile(id, all.toString());
        // The stderr line never reached this pump: its tail differs, so the whole copy is read.
        assertTrue(r.log().contains("DEBUG Checking the whole log against the engine's copy"), r.log().lines().toString());

        String again = finishedContainer("seq 1 100");
        Reconciled complete = reconcile(again, all.toString());
        assertEquals(List.of(), complete.log().lines());
        assertEquals(all.toString(), complete.raw());
    }

    private static byte[] readQuietly(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
