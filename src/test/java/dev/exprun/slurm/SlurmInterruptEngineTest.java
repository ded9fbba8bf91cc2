package dev.exprun.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerLabels;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.run.ExperimentRunner;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunResult;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.ChildBuild;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import dev.exprun.testing.TestSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGTERM) and SIGKILL of a build whose run is a Slurm job, in a real second JVM, on the real cluster. */
class SlurmInterruptEngineTest {
    @TempDir
    Path tmp;
    private final String project = "slurmint" + Long.toHexString(System.nanoTime());

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

    @AfterEach
    void cleanUp() {
        TestSlurm.jobsOf(project).forEach(job -> TestSlurm.command("scancel", job));
        containers().forEach(id -> TestEngine.docker("rm", "-f", id));
    }

    private Process startBuildAndWaitForTraining(Path repo) throws Exception {
        return ChildBuild.startAndAwait(ChildBuild.java(List.of("-Dexp.test.engine=" + TestEngine.kind(),
                "-Dexp.test.dockerHost=" + TestEngine.host()), SlurmInterruptHarness.class, repo.toString(), project),
                line -> line.endsWith("[out] started"), 90);
    }

    private static RunDirectory onlyRun(Path repo) throws Exception {
        try (Stream<Path> dirs = Files.list(repo.resolve("target/exp/runs"))) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            return new RunDirectory(all.get(0));
        }
    }

    @Test
    void sigtermCancelsTheJobStopsItsContainerAndRecordsInterrupted() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Process build = startBuildAndWaitForTraining(repo);
        assertEquals(1, TestSlurm.jobsOf(project).size());

        build.destroy();
        assertTrue(build.waitFor(90, TimeUnit.SECONDS), "the build ends after SIGTERM");

        assertEquals(List.of(), TestSlurm.jobsOf(project), "the job was cancelled");
        assertEquals(List.of(), containers(), "its container on the node is gone");
        RunRecord record = RecordJson.read(onlyRun(repo).record(), RunRecord.class);
        assertEquals(RunStatus.INTERRUPTED, record.status());
        assertTrue(record.slurm() != null && record.slurm().jobId() != null, "the record names the job it cancelled");
    }

    @Test
    void afterSigkillTheNextBuildCancelsTheJobOfTheKilledBuildAndNoOtherJob() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Process build = startBuildAndWaitForTraining(repo);
        long pid = build.pid();
        build.destroyForcibly();
        assertTrue(build.waitFor(30, TimeUnit.SECONDS));
        List<String> orphaned = TestSlurm.jobsOf(project);
        assertEquals(1, orphaned.size(), "SIGKILL skips every hook: the job stays");
        RunDirectory killedDir = onlyRun(repo);
        // A job of a build that is alive (this JVM) and of the same project: never touched.
        BuildIdentity me = BuildIdentity.current();
        String live = TestSlurm.command("sbatch", "--parsable", "--output=/dev/null", "--job-name=exp-live",
                "--comment=exprun project=test.exprun:" + project + " build=" + me.host() + "/" + me.pid() + "/" + me.startedMillis()
                        + " run=live-run", "--wrap=sleep 120");

        CapturingLog log = new CapturingLog();
        RunResult next = new ExperimentRunner(log).run(TestSlurm.onSlurm(Projects.config(repo, project, "sh", "-c", "exit 0")).build());

        assertTrue(log.lines().contains("WARN Cancelling Slurm job " + orphaned.get(0) + " of run " + killedDir.root().getFileName()
                + " (its build, pid " + pid + ", is gone)"), log.lines().toString());
        assertEquals(List.of(live), TestSlurm.jobsOf(project), "only the killed build's job was cancelled: " + log.lines());
        RunRecord killed = RecordJson.read(killedDir.record(), RunRecord.class);
        assertEquals(RunStatus.KILLED, killed.status());
        assertEquals(next.record().runId(), killed.killed().foundByRun());
        assertEquals(pid, killed.killed().buildPid());
        awaitNoContainers();
        assertEquals(List.of(), containers());
    }
}
