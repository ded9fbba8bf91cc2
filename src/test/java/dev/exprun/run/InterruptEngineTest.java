package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ContainerLabels;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.ChildBuild;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGTERM) and SIGKILL of a build, in a real second JVM, against the real engine. */
class InterruptEngineTest {
    @TempDir
    Path tmp;
    private final String project = "int" + Long.toHexString(System.nanoTime());

    private String label() {
        return ContainerLabels.PROJECT + "=test.exprun:" + project;
    }

    @AfterEach
    void cleanUp() {
        for (String id : TestEngine.containersLabelled(label())) {
            TestEngine.docker("rm", "-f", id);
        }
    }

    private Process startBuildAndWaitForTraining(Path repo) throws Exception {
        ProcessBuilder pb = ChildBuild.java(List.of(), InterruptHarness.class, repo.toString(), project);
        pb.environment().put("DOCKER_HOST", TestEngine.host());
        return ChildBuild.startAndAwait(pb, line -> line.equals("[out] started"), 60);
    }

    @Test
    void sigtermStopsAndRemovesTheContainerAndRecordsInterrupted() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Process build = startBuildAndWaitForTraining(repo);
        assertEquals(1, TestEngine.containersLabelled(label()).size());

        build.destroy();
        assertTrue(build.waitFor(60, TimeUnit.SECONDS), "the build ends after SIGTERM");

        assertEquals(List.of(), TestEngine.containersLabelled(label()));
        RunRecord record = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(RunStatus.INTERRUPTED, record.status());
    }

    @Test
    void afterSigkillTheNextRunSweepsTheLeftoverAndRecordsTheRunAsKilled() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("README", "x\n"));
        Process build = startBuildAndWaitForTraining(repo);
        long pid = build.pid();
        build.destroyForcibly();
        assertTrue(build.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, TestEngine.containersLabelled(label()).size(), "SIGKILL skips every hook: the container stays");
        List<Path> runs;
        try (Stream<Path> dirs = Files.list(repo.resolve("target/exp/runs"))) {
            runs = dirs.toList();
        }
        assertEquals(1, runs.size());
        RunDirectory killedDir = new RunDirectory(runs.get(0));
        RunRecord before = RecordJson.read(killedDir.record(), RunRecord.class);
        assertEquals(RunStatus.RUNNING, before.status(), "nothing could finish the record");
        byte[] logBefore = Files.readAllBytes(killedDir.log());

        CapturingLog log = new CapturingLog();
        RunResult next = new ExperimentRunner(log).run(Projects.config(repo, project, "sh", "-c", "exit 0").build());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN Removing leftover container exp-")), log.lines().toString());
        assertEquals(List.of(), TestEngine.containersLabelled(label()));

        assertEquals(next.record().runId(), RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class).runId(),
                "last-run.json is the run that just ended, never the killed one it found");
        RunRecord killed = RecordJson.read(killedDir.record(), RunRecord.class);
        assertEquals(RunStatus.KILLED, killed.status());
        assertEquals(next.record().runId(), killed.killed().foundByRun());
        assertEquals(pid, killed.killed().buildPid());
        assertEquals(ProcessHandle.current().pid(), killed.killed().foundByPid());
        assertTrue(killed.failure().startsWith("The build that ran it (pid " + pid + " on "), killed.failure());
        assertEquals(before.git(), killed.git(), "only the status, why and by whom change");
        assertEquals(before.startedAt(), killed.startedAt());
        assertTrue(log.lines().contains("WARN Run " + before.runId() + " of a killed build (pid " + pid + ") is now recorded as killed: "
                + killedDir.record()), log.lines().toString());
        assertTrue(java.util.Arrays.equals(logBefore, Files.readAllBytes(killedDir.log())), "nothing else of the run dir changes");
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            List<RunNote> notes = new RunNotes(r).readAll().get(before.git().commit());
            assertEquals(List.of(before.runId() + " killed", next.record().runId() + " succeeded"),
                    notes.stream().map(n -> n.runId() + " " + n.status()).sorted().toList());
        }
    }
}
