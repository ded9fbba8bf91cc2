package dev.exprun.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import dev.exprun.run.Attachment;
import dev.exprun.run.ExperimentRunner;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunInterrupted;
import dev.exprun.run.RunResult;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import dev.exprun.testing.TestSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * exp:run as a Slurm job on the real one-node cluster: its container runs on the node with this run's engine
 * CLI (podman, or docker on the Docker pass), and every end a job can have reaches the record.
 */
class SlurmEngineTest {
    @TempDir
    Path tmp;
    private final String project = "slurm" + Long.toHexString(System.nanoTime());

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (String job : TestSlurm.jobsOf(project)) {
            TestSlurm.command("scancel", job);
        }
        TestSlurm.nodeUp();
        for (String id : TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project)) {
            TestEngine.docker("rm", "-f", id);
        }
    }

    private Path repo() {
        return Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
    }

    private Projects.Config config(Path repo, String... command) {
        return TestSlurm.onSlurm(Projects.config(repo, project, command));
    }

    /** Waits (a minute at most) until the node's containers of this project are gone: a stopped job's script removes them. */
    private void awaitNoContainers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!containers().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private List<String> containers() {
        return TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project);
    }

    @Test
    void aRunIsAJobWhoseOutputArrivesWholeAndWhoseRecordNamesIt() throws Exception {
        Path repo = repo();
        Projects.Config config = config(repo, "sh", "-c",
                "i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done; "
                        + "echo \"token of ${#API_TOKEN} characters\"; printf 'last line without a break'");
        config.env.put("API_TOKEN", "s3cr3t $value");
        CapturingLog log = new CapturingLog();

        RunResult result = new ExperimentRunner(log).run(config.build());

        RunRecord record = result.record();
        assertEquals(RunStatus.SUCCEEDED, record.status());
        RunRecord.SlurmJob job = record.slurm();
        assertNotNull(job, "the record names the job");
        assertEquals("COMPLETED", job.state());
        assertEquals(TestSlurm.node(), job.nodes());
        assertEquals(TestSlurm.partition(), job.partition());
        assertEquals("0:0", job.exitCode());
        assertEquals(0, job.restarts());
        assertEquals(TestSlurm.runtime(), job.containerRuntime());
        assertNotNull(job.elapsed());
        assertNotNull(record.container().startedAt(), "when it started, even for a job shorter than a poll");
        List<String> out = log.lines().stream().filter(l -> l.startsWith("INFO [out] line ")).toList();
        assertEquals(2000, out.size(), "every line of the job's output reached the log");
        assertEquals("INFO [out] line 1999", out.get(out.size() - 1));
        assertTrue(log.lines().contains("INFO [out] token of 13 characters"), "the env value reached the container: " + log.lines());
        assertTrue(log.lines().contains("INFO [out] last line without a break"), log.lines().toString());
        assertTrue(log.contains("Slurm job " + job.jobId() + " submitted for exp-" + record.runId()), log.lines().toString());

        RunDirectory dir = result.directory();
        String script = Files.readString(dir.jobScript());
        assertFalse(script.contains("s3cr3t"), "an env value is never in the attached job script");
        assertTrue(script.contains("API_TOKEN"));
        assertTrue(result.attachments().contains(new Attachment(dir.jobScript(), "exp-job", "txt")), result.attachments().toString());
        assertTrue(Files.readString(dir.log()).endsWith("last line without a break"));
        assertEquals(List.of(), containers(), "no container is left on the node");
        assertEquals(List.of(), TestSlurm.jobsOf(project));
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            RunNote note = new RunNotes(r).readAll().get(record.git().commit()).get(0);
            assertEquals(job.jobId(), note.slurm().jobId(), "the git note carries the job too");
            assertEquals("COMPLETED", note.slurm().state());
        }
    }

    @Test
    void aScriptThatExitsThreeFailsTheRunWithItsCode() {
        Path repo = repo();
        CapturingLog log = new CapturingLog();
        ExpFailure e = assertThrows(ExpFailure.class,
                () -> new ExperimentRunner(log).run(config(repo, "sh", "-c", "echo about to fail; exit 3").build()));
        assertTrue(e.getMessage().startsWith("The training command exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("about to fail"), "the message shows the job's last lines: " + e.getMessage());
        RunRecord record = lastRun(repo);
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals(3, record.exitCode());
        assertEquals("FAILED", record.slurm().state());
        assertEquals("3:0", record.slurm().exitCode());
        assertEquals(List.of(), containers());
    }

    @Test
    void aJobPastItsTimeLimitIsRecordedAsTimedOut() throws Exception {
        Path repo = repo();
        Projects.Config config = config(repo, "sh", "-c", "echo started; exec sleep 600");
        config.timeout = "3s";
        ExpFailure e = assertThrows(ExpFailure.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().contains("reached its timeout of 3s"), e.getMessage());
        RunRecord record = lastRun(repo);
        assertEquals(RunStatus.TIMED_OUT, record.status());
        assertEquals("TIMEOUT", record.slurm().state());
        assertTrue(Files.readString(uncheckedJobScript(repo)).contains("'--time=0-00:00:03'"), "the time limit is Slurm's");
        assertEquals(List.of(), containers(), "the container went with the job");
    }

    @Test
    void aNodeThatFailsEndsTheRunAsFailedNamingNodeFailAndNothingStartsAgain() throws Exception {
        Path repo = repo();
        CapturingLog log = new CapturingLog();
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(
                () -> new ExperimentRunner(log).run(config(repo, "sh", "-c", "echo started; exec sleep 120").build()));
        awaitLine(log, "INFO [out] started");
        TestSlurm.command("scontrol", "update", "nodename=" + TestSlurm.node(), "state=down", "reason=exprun-test");

        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(120, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ExpError, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("as NODE_FAIL"), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("--no-requeue"), e.getCause().getMessage());
        RunRecord record = lastRun(repo);
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals("NODE_FAIL", record.slurm().state());
        assertEquals(0, record.slurm().restarts(), "Slurm did not start the training again");
        assertTrue(record.failure().contains("NODE_FAIL"), record.failure());
        assertEquals(List.of(), TestSlurm.jobsOf(project));
        // The node did not really die: its job script still stops the container and writes its exit file into the run
        // directory. Wait for both, or the temp dir's removal races that write.
        awaitNoContainers();
        Path exitFile = runDirs(repo).get(0).resolve(JobScript.EXIT_FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(exitFile) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Test
    void withRequeueSlurmStartsTheJobAgainAndTheRecordCountsTheRestart() throws Exception {
        Path repo = repo();
        CapturingLog log = new CapturingLog();
        // The first attempt leaves a file in its outputs and waits; the second finds it and ends.
        Projects.Config config = config(repo, "sh", "-c",
                "if [ -f /exp/out/first ]; then echo second attempt; else touch /exp/out/first; echo first attempt; exec sleep 120; fi");
        config.slurm = TestSlurm.settings(null, null, true);
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> new ExperimentRunner(log).run(config.build()));
        awaitLine(log, "INFO [out] first attempt");
        TestSlurm.command("scontrol", "update", "nodename=" + TestSlurm.node(), "state=down", "reason=exprun-test");
        awaitLine(log, l -> l.startsWith("WARN Slurm job ") && l.contains(" was requeued by Slurm (restart 1"));
        // The node did not really die: the first attempt's script stops its container, and Slurm refuses to launch the
        // job again on the node while that step still ends ("already running"). A real failed node takes it with it.
        String jobId = RecordJson.read(new RunDirectory(runDirs(repo).get(0)).record(), RunRecord.class).slurm().jobId();
        awaitNoContainers();
        assertEquals(List.of(), containers(), "the first attempt's container was stopped");
        TestSlurm.nodeUp();
        TestSlurm.command("scontrol", "update", "jobid=" + jobId, "starttime=now"); // (Slurm holds a requeued job for 2 minutes)
        // Our node did not really die: slurmd may still be ending the first attempt and refuse the relaunch, which holds
        // the job ("launch failed requeued held"). The log says so, and the admin (this test) releases it.
        // A released job waits for its begin time again: move that to now too. (The admin's loop, as often as needed.)
        CompletableFuture.runAsync(() -> {
            for (int held = 1; held <= 3; held++) {
                int count = held;
                try {
                    awaitLine(log, l -> l.startsWith("WARN Slurm job " + jobId + " was requeued by Slurm (restart " + (count + 1)));
                    TestSlurm.nodeUp(); // (a failed launch also drains the node)
                    TestSlurm.command("scontrol", "release", jobId);
                    TestSlurm.command("scontrol", "update", "jobid=" + jobId, "starttime=now");
                } catch (InterruptedException | AssertionError | IllegalStateException e) {
                    return; // not held (again): nothing to release
                }
            }
        });

        RunResult result = finished(run, log);
        assertEquals(RunStatus.SUCCEEDED, result.record().status());
        int restarts = result.record().slurm().restarts();
        assertTrue(restarts >= 1, "the record counts the restarts");
        for (int r = 1; r <= restarts; r++) {
            int restart = r;
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARN Slurm job " + jobId + " was requeued by Slurm (restart "
                    + restart)).count(), "the log marks each restart once: " + log.lines());
        }
        assertEquals("COMPLETED", result.record().slurm().state());
        List<String> lines = log.lines();
        assertTrue(lines.indexOf("INFO [out] first attempt") < lines.indexOf("INFO [out] second attempt"), lines.toString());
        String raw = Files.readString(result.directory().log());
        assertTrue(raw.contains("first attempt") && raw.contains("second attempt"), "both attempts are in the log: " + raw);
    }

    @Test
    void aJobCancelledOutsideTheBuildIsAnInterruptedRunThatSaysSo() throws Exception {
        Path repo = repo();
        CapturingLog log = new CapturingLog();
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(
                () -> new ExperimentRunner(log).run(config(repo, "sh", "-c", "echo started; exec sleep 120").build()));
        awaitLine(log, "INFO [out] started");
        String jobId = RecordJson.read(new RunDirectory(runDirs(repo).get(0)).record(), RunRecord.class).slurm().jobId();
        TestSlurm.command("scancel", jobId);

        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(120, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof RunInterrupted, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("Slurm job " + jobId + " was cancelled outside this build"), e.getCause().getMessage());
        RunRecord record = lastRun(repo);
        assertEquals(RunStatus.INTERRUPTED, record.status());
        assertEquals("CANCELLED", record.slurm().state());
        assertEquals("Slurm job " + jobId + " was cancelled outside this build (scancel, or the cluster's admin); its Slurm job was cancelled.",
                record.failure());
        awaitNoContainers();
        assertEquals(List.of(), containers());
    }

    @Test
    void anUnknownPartitionIsRefusedWithNothingQueued() {
        Path repo = repo();
        Projects.Config config = config(repo, "sh", "-c", "echo never");
        config.slurm = TestSlurm.settings("no-such-partition", null, false);
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().startsWith("Slurm refused the job of exp-"), e.getMessage());
        assertTrue(e.getMessage().contains("partition"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Nothing was queued."), e.getMessage());
        assertTrue(e.fix().contains("<partition>"), e.fix());
        assertEquals(List.of(), TestSlurm.jobsOf(project));
    }

    @Test
    void withoutSbatchOnThePathTheBuildFailsBeforeAnythingRuns() throws Exception {
        Path repo = repo();
        Projects.Config config = config(repo, "sh", "-c", "echo never");
        config.hostEnv.put("PATH", tmp.resolve("empty-bin").toString());
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().startsWith("sbatch is not on the PATH of the build (" + tmp.resolve("empty-bin") + ")"), e.getMessage());
        assertTrue(e.fix().contains("-Dexp.executor=local"), e.fix());
        assertFalse(Files.isDirectory(repo.resolve("target/exp/runs")) && !runDirs(repo).isEmpty(), "no run directory is left");
        assertEquals(List.of(), TestSlurm.jobsOf(project));
    }

    @Test
    void aSharedDirTheNodeCannotSeeFailsClearlyWithNothingLeftQueued() throws Exception {
        Path repo = repo();
        Path hidden = TestSlurm.unsharedDir().resolve(project);
        Files.createDirectories(hidden);
        Projects.Config config = config(repo, "sh", "-c", "echo never");
        config.slurm = TestSlurm.settings(null, hidden.toString(), false);
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().contains("cannot see the run directory"), e.getMessage());
        assertTrue(e.getMessage().contains(hidden.toString()), e.getMessage());
        assertTrue(e.fix().contains("<sharedDir>"), e.fix());
        RunRecord record = lastRun(repo);
        assertEquals(RunStatus.FAILED, record.status());
        assertTrue(Files.isSymbolicLink(repo.resolve("target/exp/runs").resolve(record.runId())),
                "the project's runs link to the run directory in the shared dir");
        assertEquals(List.of(), TestSlurm.jobsOf(project));
        assertEquals(List.of(), containers());
    }

    private static RunResult finished(CompletableFuture<RunResult> run, CapturingLog log) throws Exception {
        try {
            return run.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the run did not end; its log: " + log.lines() + "; jobs: " + TestSlurm.command("squeue", "--states=all"));
        }
    }

    private static void awaitLine(CapturingLog log, String line) throws InterruptedException {
        awaitLine(log, l -> l.equals(line));
    }

    private static void awaitLine(CapturingLog log, Predicate<String> line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (log.lines().stream().anyMatch(line)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("no such line in " + log.lines());
    }

    private static RunRecord lastRun(Path repo) {
        return RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
    }

    private static Path uncheckedJobScript(Path repo) {
        return new RunDirectory(runDirs(repo).get(0)).jobScript();
    }

    private static List<Path> runDirs(Path repo) {
        try (Stream<Path> dirs = Files.list(repo.resolve("target/exp/runs"))) {
            return dirs.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
