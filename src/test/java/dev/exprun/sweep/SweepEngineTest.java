package dev.exprun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.run.RunDirectory;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:sweep against the real engine: parallel trials, failure policies, retries, SIGTERM and resume. */
class SweepEngineTest {
    /** t01 ends at once; the other trials print "started" and sleep $NAP seconds. */
    static final String NAPPING = "echo started; case \"$EXP_TRIAL\" in t01) ;; *) sleep ${NAP:-0} ;; esac; echo done";
    /** Writes its metric (loss = x) and fails when the param fail is 1. */
    private static final String SCORING = "echo \"{\\\"loss\\\": $(echo \"$EXP_PARAMS\" | sed 's/.*\"x\": *\\([0-9.]*\\).*/\\1/')}\" "
            + "> $EXP_OUTPUT_DIR/metrics.json; case \"$EXP_PARAMS\" in *'\"fail\":1'*) echo broken >&2; exit 3 ;; esac";

    @TempDir
    Path tmp;
    private final String project = "sweep" + Long.toHexString(System.nanoTime());
    private Path repo;

    @BeforeEach
    void repo() {
        repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
    }

    @AfterEach
    void noContainerLeft() {
        List<String> left = TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project);
        left.forEach(id -> TestEngine.docker("rm", "-f", id));
        assertEquals(List.of(), left, "a sweep leaves no container behind");
    }

    private Projects.Config run(String... command) {
        Projects.Config c = Projects.config(repo, project, command);
        c.hostEnv.put("EXPRUN_LEASE_DIR", tmp.resolve("leases").toString());
        return c;
    }

    private static List<RunRecord> runs(SweepRecord sweep, Path buildDir) {
        List<RunRecord> runs = new ArrayList<>();
        for (Trial t : sweep.trials()) {
            for (String id : t.attempts()) {
                runs.add(RecordJson.read(RunDirectory.of(buildDir, id).record(), RunRecord.class));
            }
        }
        return runs;
    }

    /** The most containers that were running at one moment, from the records' container start and end times. */
    private static int mostAtOnce(List<RunRecord> runs) {
        List<long[]> edges = new ArrayList<>();
        for (RunRecord r : runs) {
            edges.add(new long[] {Instant.parse(r.container().startedAt()).toEpochMilli(), 1});
            edges.add(new long[] {Instant.parse(r.container().endedAt()).toEpochMilli(), -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int now = 0;
        int most = 0;
        for (long[] e : edges) {
            now += (int) e[1];
            most = Math.max(most, now);
        }
        return most;
    }

    @Test
    void sixTrialsThreeAtATimeTakeTwoTrialLengthsNotSix() throws Exception {
        Sweeps sweep = new Sweeps();
        sweep.line = "lr=0.1,0.01,0.001;hidden=64,128";
        sweep.parallel = "3";
        CapturingLog log = new CapturingLog();
        SweepResult result = new SweepRunner(log).run(sweep.of(run("sh", "-c", "echo \"trial $EXP_TRIAL of $EXP_SWEEP_ID\"; sleep 3").build()));

        SweepRecord record = result.record();
        assertEquals(6, record.trials().size());
        assertEquals(SweepRecord.Status.SUCCEEDED, record.status());
        List<RunRecord> runs = runs(record, repo.resolve("target"));
        assertEquals(3, mostAtOnce(runs), "three containers at once, never more");
        long first = runs.stream().mapToLong(r -> Instant.parse(r.startedAt()).toEpochMilli()).min().orElseThrow();
        long last = runs.stream().mapToLong(r -> Instant.parse(r.endedAt()).toEpochMilli()).max().orElseThrow();
        long serial = runs.stream().mapToLong(RunRecord::durationMs).sum();
        assertTrue(last - first < serial * 2 / 3, "the makespan " + (last - first) + " ms is about two trial lengths, not the "
                + serial + " ms of six in a row");
        for (RunRecord r : runs) {
            assertEquals(record.sweepId(), r.sweep().sweepId());
            assertEquals(1, r.sweep().attempt());
            assertEquals(r.git().commit(), runs.get(0).git().commit());
            assertEquals(r.image().digest(), runs.get(0).image().digest());
        }
        Trial t05 = record.trials().get(4);
        assertEquals("t05", t05.trial());
        assertEquals(Map.of("lr", 0.001, "hidden", 64), t05.params(), "the first dimension varies slowest");
        assertTrue(log.lines().contains("INFO [t05] trial t05 of " + record.sweepId()), "each line is prefixed with its trial");
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO Sweep " + record.sweepId() + ": 3 queued, 3 running, 0 done, 0 failed")),
                log.lines().toString());
        assertTrue(Files.readString(RunDirectory.of(repo.resolve("target"), t05.runId()).log()).contains("trial t05 of " + record.sweepId()),
                "each trial's log is whole in its run dir");
        assertEquals(2 + 6 * 2, result.attachments().size(), "the sweep's json and csv; each trial's record and log (no metrics)");
        assertTrue(result.attachments().stream().anyMatch(a -> a.classifier().equals("exp-run-t06")));
        assertNull(result.bestRunRecord(), "no objective, no best");
        assertTrue(Files.notExists(RunDirectory.lastRun(repo.resolve("target"))), "without a best trial, last-run.json names none");
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            List<RunNote> notes = new RunNotes(r).readAll().get(runs.get(0).git().commit());
            assertEquals(6, notes.stream().filter(n -> record.sweepId().equals(n.sweep())).count());
        }
    }

    @Test
    void failAtEndRunsEveryTrialAndNamesTheFailedOnes() {
        Sweeps sweep = new Sweeps();
        sweep.line = "x=0.3,0.1,0.2;fail=0,1";
        sweep.parallel = "2";
        sweep.objective = "loss";
        CapturingLog log = new CapturingLog();
        ExpFailure failure = assertThrows(ExpFailure.class, () -> new SweepRunner(log).run(sweep.of(run("sh", "-c", SCORING).build())));
        assertTrue(failure.getMessage().contains(": 3 of 6 trial(s) failed: t02, t04, t06"), failure.getMessage());
        SweepRecord record = RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class);
        assertEquals(SweepRecord.Status.FAILED, record.status());
        assertEquals(List.of("succeeded", "failed", "succeeded", "failed", "succeeded", "failed"),
                record.trials().stream().map(t -> t.status().json()).toList());
        assertEquals("t03", record.best(), "x=0.1 has the lowest loss (t03: x=0.1, fail=0)");
        assertEquals("The training command exited with code 3 (run " + record.trials().get(1).runId() + "; log: "
                + RunDirectory.of(repo.resolve("target"), record.trials().get(1).runId()).log() + ").", record.trials().get(1).failure());
        assertEquals(1, record.trials().get(1).attempts().size(), "a script that failed is never retried");
    }

    @Test
    void failFastStopsTheLaunching() {
        Sweeps sweep = new Sweeps();
        sweep.line = "fail=1,0,0;x=1";
        sweep.parallel = "1";
        sweep.failurePolicy = "fail-fast";
        sweep.retries = "2";
        ExpFailure failure = assertThrows(ExpFailure.class,
                () -> new SweepRunner(new CapturingLog()).run(sweep.of(run("sh", "-c", SCORING).build())));
        assertTrue(failure.getMessage().contains("1 of 3 trial(s) failed: t01 (trial t01 failed and failurePolicy=fail-fast; the rest were stopped)"),
                failure.getMessage());
        SweepRecord record = RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class);
        assertEquals(List.of(TrialStatus.FAILED, TrialStatus.CANCELLED, TrialStatus.CANCELLED),
                record.trials().stream().map(Trial::status).toList());
        assertEquals(1, record.trials().get(0).attempts().size(), "retries are for the infrastructure, not for the script");
    }

    @Test
    void failFastStopsTheRunningTrials() {
        // t01 fails once t02 is surely running (t02 marks the shared, writable workspace); t02 is stopped, t03 never starts.
        Sweeps sweep = new Sweeps();
        sweep.line = "x=1,2,3";
        sweep.parallel = "2";
        sweep.failurePolicy = "fail-fast";
        Projects.Config run = run("sh", "-c", "case \"$EXP_TRIAL\" in t01) until [ -e /workspace/t02-started ]; do sleep 0.1; done; "
                + "echo giving up; exit 3 ;; *) touch /workspace/$EXP_TRIAL-started; exec sleep 120 ;; esac");
        run.workspaceMount = "rw";
        ExpFailure failure = assertThrows(ExpFailure.class, () -> new SweepRunner(new CapturingLog()).run(sweep.of(run.build())));
        assertTrue(failure.getMessage().contains("1 of 3 trial(s) failed: t01"), failure.getMessage());
        SweepRecord record = RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class);
        assertEquals(List.of(TrialStatus.FAILED, TrialStatus.INTERRUPTED, TrialStatus.CANCELLED),
                record.trials().stream().map(Trial::status).toList());
        RunRecord stopped = RecordJson.read(RunDirectory.of(repo.resolve("target"), record.trials().get(1).runId()).record(), RunRecord.class);
        assertEquals(RunStatus.INTERRUPTED, stopped.status());
        assertEquals("trial t01 failed and failurePolicy=fail-fast; the container was stopped and removed.", stopped.failure());
        assertEquals(SweepRecord.Status.FAILED, record.status());
    }

    @Test
    void ignoreSucceedsWithOneGoodTrialAndPicksTheBest() throws Exception {
        Files.writeString(repo.resolve("notes.txt"), "not committed\n"); // each trial records and attaches the one patch
        Sweeps sweep = new Sweeps();
        sweep.trials = List.of("x=0.5;fail=0", "x=0.2;fail=0", "x=0.1;fail=1");
        sweep.parallel = "3";
        sweep.failurePolicy = "ignore";
        sweep.objective = "loss";
        CapturingLog log = new CapturingLog();
        SweepResult result = new SweepRunner(log).run(sweep.of(run("sh", "-c", SCORING).build()));
        assertEquals("t02", result.record().best());
        assertEquals(SweepRecord.Status.SUCCEEDED, result.record().status());
        assertEquals(result.bestRunRecord(), RunDirectory.of(repo.resolve("target"), result.record().trials().get(1).runId()).record());
        RunRecord last = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(result.record().trials().get(1).runId(), last.runId(), "last-run.json is the best trial, for exp:verify and exp:tag");
        int header = log.lines().indexOf("INFO Sweep " + result.record().sweepId() + " by loss (lower is better):");
        assertTrue(header >= 0, log.lines().toString());
        assertTrue(log.lines().get(header + 2).matches("INFO +\\* +t02 +succeeded +0\\.2 .*"), log.lines().get(header + 2));
        assertTrue(log.lines().get(header + 3).matches("INFO +t01 +succeeded +0\\.5 .*"), log.lines().get(header + 3));
        assertTrue(log.lines().get(header + 4).matches("INFO +t03 +failed .*"), log.lines().get(header + 4));
        assertEquals(2 + 2 * 4, result.attachments().size(), "the sweep's json and csv; the two succeeded trials' record, metrics, log and patch");
        Path t01 = RunDirectory.of(repo.resolve("target"), result.record().trials().get(0).runId()).patch();
        Path t02 = RunDirectory.of(repo.resolve("target"), result.record().trials().get(1).runId()).patch();
        assertEquals(Files.readString(SweepDirectory.of(repo.resolve("target"), result.record().sweepId()).patch()), Files.readString(t01));
        assertEquals(Files.readString(t01), Files.readString(t02));
        assertTrue(result.record().git().dirty());
    }

    @Test
    void eachTrialGetsItsOwnLeasedDeviceAndAGpuNotSeenIsRetried() {
        // No GPU here: Podman accepts the device request and ignores it, Docker without the toolkit refuses it. Either way
        // the trial fails for the infrastructure, is retried once, and each attempt asked for exactly its leased device.
        Sweeps sweep = new Sweeps();
        sweep.line = "x=1,2";
        sweep.gpusPerTrial = "1";
        sweep.gpuDevices = "0,1";
        sweep.retries = "1";
        Projects.Config run = run("sh", "-c", "echo training");
        run.gpuRequest = "nvidia";
        ExpError failure = assertThrows(ExpError.class, () -> new SweepRunner(new CapturingLog()).run(sweep.of(run.build())));
        assertTrue(failure.getMessage().contains("2 of 2 trial(s) failed: t01, t02"), failure.getMessage());
        SweepRecord record = RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class);
        assertEquals(2, record.parallel(), "one trial per GPU");
        List<String> asked = new ArrayList<>();
        for (Trial t : record.trials()) {
            assertEquals(2, t.attempts().size(), "an infrastructure fault is retried");
            assertEquals(1, t.gpus().size());
            for (String id : t.attempts()) {
                RunRecord r = RecordJson.read(RunDirectory.of(repo.resolve("target"), id).record(), RunRecord.class);
                assertEquals(t.gpus().get(0), r.container().gpusRequested());
                assertEquals(List.of("/bin/sh", "/exp/lib/gpu-check.sh", "=1", "--", "sh", "-c", "echo training"), r.container().command());
                asked.add(r.container().gpusRequested());
            }
        }
        assertEquals(List.of("0", "1"), asked.stream().distinct().sorted().toList());
    }

    /** The harness's sweep in a second JVM (x=1,2,3, one at a time, t02 and t03 sleeping 120 s), once t02 runs. */
    private Process sweepUntilT02Runs(List<String> seen) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SweepHarness.class.getName(), repo.toString(), project, "120")
                .redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", TestEngine.host());
        Process build = pb.start();
        java.util.concurrent.CountDownLatch t02Started = new java.util.concurrent.CountDownLatch(1);
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(line -> {
                    seen.add(line);
                    if (line.equals("[t02] started")) {
                        t02Started.countDown();
                    }
                });
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // destroy() closes the stream: the output ends here
            }
        });
        drain.setDaemon(true);
        drain.start();
        if (!t02Started.await(90, TimeUnit.SECONDS)) {
            build.destroyForcibly();
            throw new AssertionError("t02 never started: " + seen);
        }
        return build;
    }

    @Test
    void aSweepOfAKilledBuildIsRecordedAsKilledByTheNextSweep() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        Process build = sweepUntilT02Runs(seen);
        long pid = build.pid();
        build.destroyForcibly();
        assertTrue(build.waitFor(30, TimeUnit.SECONDS));
        SweepRecord before = RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class);
        assertEquals(SweepRecord.Status.RUNNING, before.status(), "SIGKILL skips every hook");

        Projects.Config next = run("sh", "-c", "exit 0");
        Sweeps sweep = new Sweeps();
        sweep.line = "x=9";
        CapturingLog log = new CapturingLog();
        SweepResult result = new SweepRunner(log).run(sweep.of(next.build()));

        SweepRecord killed = RecordJson.read(SweepDirectory.of(repo.resolve("target"), before.sweepId()).record(), SweepRecord.class);
        assertEquals(SweepRecord.Status.KILLED, killed.status());
        assertEquals(List.of(TrialStatus.SUCCEEDED, TrialStatus.KILLED, TrialStatus.CANCELLED),
                killed.trials().stream().map(Trial::status).toList());
        assertTrue(killed.failure().startsWith("The build that ran it (pid " + pid + " on "), killed.failure());
        assertTrue(log.lines().contains("WARN Sweep " + before.sweepId() + " of a killed build (pid " + pid + ") is now recorded as killed: "
                + SweepDirectory.of(repo.resolve("target"), before.sweepId()).record()), log.lines().toString());
        RunRecord t02 = RecordJson.read(RunDirectory.of(repo.resolve("target"), before.trials().get(1).runId()).record(), RunRecord.class);
        assertEquals(RunStatus.KILLED, t02.status(), "the leftover sweep found t02's container and finished its run");
        assertEquals(result.record().sweepId(), RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class).sweepId());
    }

    @Test
    void sigtermMidSweepLeavesNoContainerAndEveryRecordFinalThenResumeRunsOnlyTheRest() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        Process build = sweepUntilT02Runs(seen);
        try {
            build.destroy();
            assertTrue(build.waitFor(60, TimeUnit.SECONDS), "the build ends after SIGTERM");
        } finally {
            build.destroyForcibly();
        }

        SweepRecord interrupted = RecordJson.read(SweepDirectory.last(repo.resolve("target")), SweepRecord.class);
        assertEquals(SweepRecord.Status.INTERRUPTED, interrupted.status(), seen.toString());
        assertEquals(List.of(TrialStatus.SUCCEEDED, TrialStatus.INTERRUPTED, TrialStatus.CANCELLED),
                interrupted.trials().stream().map(Trial::status).toList(), String.join("\n", seen));
        for (RunRecord r : runs(interrupted, repo.resolve("target"))) {
            assertTrue(r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.INTERRUPTED, r.runId() + " is " + r.status());
        }

        Projects.Config again = run("sh", "-c", NAPPING);
        again.env.put("NAP", "0");
        Sweeps resume = new Sweeps();
        resume.line = "x=1,2,3";
        resume.parallel = "1";
        resume.resume = "true";
        CapturingLog log = new CapturingLog();
        SweepResult result = new SweepRunner(log).run(resume.of(again.build()));
        SweepRecord resumed = result.record();
        assertEquals(interrupted.sweepId(), resumed.sweepId());
        assertEquals(List.of(TrialStatus.SUCCEEDED, TrialStatus.SUCCEEDED, TrialStatus.SUCCEEDED),
                resumed.trials().stream().map(Trial::status).toList());
        assertEquals(interrupted.trials().get(0).runId(), resumed.trials().get(0).runId(), "t01 is reused, not run again");
        assertEquals(interrupted.sweepId(), resumed.trials().get(0).reusedFrom());
        assertTrue(log.lines().contains("INFO [t01] reused run " + interrupted.trials().get(0).runId()
                + " (same commit, patch, image, command and params)"), log.lines().toString());
        assertTrue(!resumed.trials().get(1).runId().equals(interrupted.trials().get(1).runId()), "t02 runs again");
        assertNull(resumed.trials().get(1).reusedFrom());
    }

    @Test
    void gpusPerTrialWithoutGpusOnTheEngineIsOneClearErrorBeforeAnyTrial() throws Exception {
        // No GPU here: the probe container with all GPUs finds none (Podman ignores the request, and the image has
        // no nvidia-smi that a toolkit would have mounted) or is refused (Docker without the toolkit).
        Sweeps sweep = new Sweeps();
        sweep.line = "x=1,2";
        sweep.gpusPerTrial = "1";
        Projects.Config run = run("sh", "-c", "echo training");
        run.gpuRequest = "nvidia";
        ExpError e = assertThrows(ExpError.class, () -> new SweepRunner(new CapturingLog()).run(sweep.of(run.build())));
        assertTrue(e.getMessage().startsWith("gpusPerTrial asks for GPUs, and "), e.getMessage());
        assertTrue(e.getMessage().contains(TestEngine.isDocker() ? "refused the GPU request"
                : "no nvidia-smi in the container: the engine gave it no GPUs"), e.getMessage());
        assertTrue(Files.notExists(repo.resolve("target/exp/runs")), "no trial ran");
        try (var sweeps = Files.list(repo.resolve("target/exp/sweeps"))) {
            assertEquals(List.of(), sweeps.toList(), "and the sweep that ran nothing left no directory");
        }
    }
}
