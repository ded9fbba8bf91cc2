package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:run's core end to end: real git repositories, the real engine, the real tiny image. */
class ExperimentRunnerEngineTest {
    static final String TRAIN = """
            #!/bin/sh
            env | grep '^EXP_' | sort > "$EXP_OUTPUT_DIR/env.txt"
            cp "$EXP_PARAMS_FILE" "$EXP_OUTPUT_DIR/params-seen.json"
            cp "$EXP_PROVENANCE_FILE" "$EXP_OUTPUT_DIR/provenance-seen.json"
            printf '{"val_acc": 0.93, "loss": NaN}' > "$EXP_OUTPUT_DIR/metrics.json"
            printf '{"step": 1, "loss": 0.5}\\n' > "$EXP_OUTPUT_DIR/metrics.jsonl"
            mkdir -p "$EXP_OUTPUT_DIR/checkpoints" && echo weights > "$EXP_OUTPUT_DIR/checkpoints/best.pt"
            if touch /workspace/should-not-exist 2>/dev/null; then echo "workspace writable"; else echo "workspace read-only"; fi
            echo "pwd=$(pwd) uid=$(id -u):$(id -g) token-set=${HF_TOKEN:+yes}"
            printf 'done'
            """;

    @TempDir
    Path tmp;
    private final String project = "p" + Long.toHexString(System.nanoTime());

    @AfterEach
    void noContainerLeftBehind() {
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));
    }

    private Path repo() {
        return Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", TRAIN, ".gitignore", "*.log\n"));
    }

    @Test
    void aSuccessfulRunRecordsWhatRanAndAttachesTheResults() throws Exception {
        Path repo = repo();
        Cmd.run(repo, "git", "remote", "add", "origin", "https://user:ghp_secret123@git.example.invalid/team/model.git");
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.env.put("HF_TOKEN", "s3cr3t-value");
        config.params.put("lr", "0.01");
        config.paramOverrides.put("epochs", "3");
        CapturingLog log = new CapturingLog();

        RunResult result = new ExperimentRunner(log).run(config.build());

        RunRecord record = result.record();
        RunDirectory dir = result.directory();
        assertEquals(RunStatus.SUCCEEDED, record.status());
        assertEquals(0, record.exitCode());
        assertEquals(Projects.head(repo), record.git().commit());
        assertEquals("main", record.git().branch());
        assertFalse(record.git().dirty());
        assertEquals("https://git.example.invalid/team/model.git", record.git().remoteUrl());
        assertEquals(Map.of("val_acc", 0.93), Map.of("val_acc", record.metrics().get("val_acc")));
        assertTrue(record.metrics().get("loss").isNaN());
        assertEquals(Map.of("lr", 0.01, "epochs", 3), record.params());
        assertEquals(List.of("HF_TOKEN"), record.container().env());
        assertEquals(HostUser.uidGid(), record.container().user());
        assertEquals("exp-" + record.runId(), record.container().name());
        assertEquals("localhost/exp-test/tiny:1", record.image().reference());
        assertTrue(record.image().digest().startsWith("sha256:"));
        assertEquals(1, record.outputs().size());
        assertEquals("model", record.outputs().get(0).classifier());
        assertEquals("checkpoints/best.pt", record.outputs().get(0).path());

        assertEquals(List.of("exp-run", "exp-metrics", "exp-metrics-series", "exp-log", "model"),
                result.attachments().stream().map(Attachment::classifier).toList());
        assertEquals(RecordJson.MAPPER.readTree(dir.record().toFile()),
                RecordJson.MAPPER.readTree(RunDirectory.lastRun(repo.resolve("target")).toFile()));

        List<String> out = log.containerLines();
        assertTrue(out.contains("workspace read-only"), out.toString());
        assertTrue(out.contains("pwd=/workspace uid=" + HostUser.uidGid() + " token-set=yes"), out.toString());
        assertEquals("done", out.get(out.size() - 1), "the last line, without newline, is shown");
        assertTrue(Files.readString(dir.log()).endsWith("done"));

        String env = Files.readString(dir.out().resolve("env.txt"));
        assertTrue(env.contains("EXP_GIT_COMMIT=" + record.git().commit() + "\n"), env);
        assertTrue(env.contains("EXP_RUN_ID=" + record.runId() + "\n"), env);
        assertTrue(env.contains("EXP_GIT_DIRTY=false\n"), env);
        assertTrue(env.contains("EXP_GIT_BRANCH=main\n"), env);
        assertTrue(env.contains("EXP_IMAGE_DIGEST=" + record.image().digest() + "\n"), env);
        assertTrue(env.contains("EXP_PARAMS={\"epochs\":3,\"lr\":0.01}\n"), env);
        assertTrue(env.contains("EXP_OUTPUT_DIR=/exp/out\n"), env);
        RunRecord seen = RecordJson.read(dir.out().resolve("provenance-seen.json"), RunRecord.class);
        assertEquals(RunStatus.RUNNING, seen.status());
        assertEquals(record.runId(), seen.runId());
        assertEquals(record.git().commit(), seen.git().commit());
        assertEquals(Map.of("epochs", 3, "lr", 0.01), RecordJson.MAPPER.readValue(dir.out().resolve("params-seen.json").toFile(), Map.class));

        for (Path written : List.of(dir.record(), dir.log(), dir.provenance())) {
            String text = Files.readString(written);
            assertFalse(text.contains("s3cr3t-value"), written + " holds a secret");
            assertFalse(text.contains("ghp_secret123"), written + " holds a secret");
        }
        assertTrue(log.lines().stream().noneMatch(l -> l.contains("s3cr3t-value") || l.contains("ghp_secret123")));
        assertFalse(Files.exists(repo.resolve("should-not-exist")));
        assertEquals("", Cmd.run(repo, "git", "status", "--porcelain", "--", ".", ":!target"), "the user's repository is untouched");
    }

    @Test
    void aProjectInASubdirectoryRunsThere() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("models/mlp/train.sh", "echo \"pwd=$(pwd)\"\n"));
        CapturingLog log = new CapturingLog();
        RunResult result = new ExperimentRunner(log).run(Projects.config(repo.resolve("models/mlp"), project, "sh", "train.sh").build());
        assertEquals("/workspace/models/mlp", result.record().container().workingDir());
        assertEquals(List.of("pwd=/workspace/models/mlp"), log.containerLines());
    }

    @Test
    void aFailingScriptIsABuildFailureWithItsLastLinesAndTheRecordKept() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh",
                "i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo \"epoch $i\"; done\necho 'Traceback: boom' >&2\nexit 3\n"));
        ExpFailure e = assertThrows(ExpFailure.class,
                () -> new ExperimentRunner(new CapturingLog()).run(Projects.config(repo, project, "sh", "train.sh").build()));
        assertTrue(e.getMessage().startsWith("The training command exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("Last 30 line(s) of the log:\n"), e.getMessage());
        // stdout and stderr are two pipes: Docker may deliver the traceback before the last epochs, Podman after them
        assertTrue(e.getMessage().contains("\n    epoch 40"), e.getMessage());
        assertTrue(e.getMessage().contains("\n    Traceback: boom"), e.getMessage());
        RunRecord record = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals(3, record.exitCode());
        Path runDir = repo.resolve("target/exp/runs/" + record.runId());
        assertTrue(Files.readString(runDir.resolve("log.txt")).contains("epoch 40\n"));
    }

    @Test
    void aCrashWithoutItsDeclaredOutputReportsTheCrashNotTheMissingFile() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", "echo 'Killed'\nexit 137\n"));
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.outputs = List.of(new dev.exprun.artifacts.OutputSpec("model.onnx", "onnx", null, false));
        ExpFailure e = assertThrows(ExpFailure.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().startsWith("The training command exited with code 137"), e.getMessage());
        RunRecord record = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals(137, record.exitCode());
    }

    @Test
    void badOutputSettingsAreRefusedBeforeAnythingRuns() {
        Path repo = repo();
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.outputs = List.of(new dev.exprun.artifacts.OutputSpec("*.pt", "exp-model", null, false));
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().contains("'exp-model'"), e.getMessage());
        assertFalse(Files.exists(repo.resolve("target/exp")), "nothing was created");
    }

    @Test
    void anImageThatCannotBeHadLeavesNoRunDirectoryBehind() throws Exception {
        Path repo = repo();
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.image = "localhost/exp-test/absent:1";
        assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        try (Stream<Path> runs = Files.list(repo.resolve("target/exp/runs"))) {
            assertEquals(0, runs.count());
        }
    }

    @Test
    void dirtyFailRefusesWithTheListOfChangesAndRunsNothing() throws Exception {
        Path repo = repo();
        Files.writeString(repo.resolve("train.sh"), "echo changed\n");
        Files.writeString(repo.resolve("notes.md"), "new\n");
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.dirty = "fail";
        ExpFailure e = assertThrows(ExpFailure.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().contains("2 uncommitted change(s) and dirty=fail refuses to run"), e.getMessage());
        assertTrue(e.getMessage().contains("modified: train.sh"), e.getMessage());
        assertTrue(e.getMessage().contains("untracked: notes.md"), e.getMessage());
        assertTrue(e.fix().contains("-Dexp.dirty=warn"));
        try (Stream<Path> runs = Files.list(repo.resolve("target/exp/runs"))) {
            assertEquals(0, runs.count());
        }
    }

    @Test
    void aDirtyRunRecordsThePatchAndAttachesIt() throws Exception {
        Path repo = repo();
        Files.writeString(repo.resolve("train.sh"), "echo \"dirty=$EXP_GIT_DIRTY\"\n");
        CapturingLog log = new CapturingLog();
        RunResult result = new ExperimentRunner(log).run(Projects.config(repo, project, "sh", "train.sh").build());
        assertTrue(result.record().git().dirty());
        assertNotNull(result.record().git().patchSha256());
        assertEquals(List.of("dirty=true"), log.containerLines());
        assertTrue(log.lines().contains("WARN     modified: train.sh"), log.lines().toString());
        Attachment diff = result.attachments().stream().filter(a -> a.classifier().equals("exp-diff")).findFirst().orElseThrow();
        assertEquals("patch", diff.type());
        assertEquals(result.record().git().patchSha256(), dev.exprun.artifacts.Sha256.of(diff.file()));
    }

    /** Podman only: its Docker API (4.3) accepts device requests and ignores them (podman #22645); Docker refuses them (below). */
    @Test
    @Tag("podman-only")
    void gpusAskedOfPodmanAreIgnoredAndTheInContainerCheckStopsTrainingOnPodman() throws Exception {
        Path repo = repo();
        Projects.Config config = Projects.config(repo, project, "sh", "-c", "touch $EXP_OUTPUT_DIR/trained");
        config.gpus = "all";
        CapturingLog log = new CapturingLog();
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(log).run(config.build()));
        assertTrue(e.getMessage().startsWith("GPUs were requested (gpus=all) but the container does not see them (0 visible)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Training was not started."));
        assertTrue(e.fix().contains("NVIDIA Container Toolkit"));
        assertTrue(log.lines().contains("INFO GPUs: gpus=all asked as nvidia (gpuRequest=auto, for podman)"), log.lines().toString());
        RunRecord record = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals(0, record.container().gpusSeen().count());
        assertEquals("nvidia", record.container().gpuRequest());
        assertFalse(Files.exists(repo.resolve("target/exp/runs/" + record.runId() + "/out/trained")));
    }

    /** Docker only: without the NVIDIA Container Toolkit, Docker refuses a GPU request at start (Podman 4.3 ignores it, above). */
    @Test
    @Tag("docker-only")
    void gpusAskedOfDockerWithoutTheToolkitAreRefusedBeforeTrainingOnDocker() throws Exception {
        Path repo = repo();
        Projects.Config config = Projects.config(repo, project, "sh", "-c", "touch $EXP_OUTPUT_DIR/trained");
        config.gpus = "all";
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().matches("docker \\S+ refused the GPU request \\(gpus=all, gpuRequest=nvidia\\): it has no NVIDIA device "
                + "driver registered \\(could not select device driver \"\" with capabilities: \\[\\[gpu]] \\(HTTP 500\\)\\)\\. "
                + "Training was not started\\."), e.getMessage());
        assertTrue(e.fix().startsWith("install the NVIDIA Container Toolkit on the engine's host and restart dockerd"), e.fix());
        RunRecord record = RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class);
        assertEquals(RunStatus.FAILED, record.status());
        assertEquals(e.getMessage(), record.failure(), "one line, the engine's words, no stray newline");
        assertFalse(Files.exists(repo.resolve("target/exp/runs/" + record.runId() + "/out/trained")));
    }

    /** Docker only: Docker before 25 has no CDI at all, and the cdi driver is refused at start. */
    @Test
    @Tag("docker-only")
    void cdiAskedOfADockerWithoutCdiIsRefusedWithItsFixOnDocker() {
        Projects.Config config = Projects.config(repo(), project, "sh", "-c", "exit 0");
        config.gpus = "all";
        config.gpuRequest = "cdi";
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().contains("refused the GPU request (gpus=all, gpuRequest=cdi): CDI is not enabled in it"), e.getMessage());
        assertTrue(e.fix().contains("nvidia-ctk cdi generate"), e.fix());
    }

    @Test
    void aMistypedGpuIdIsRefusedBeforeAnythingRuns() {
        Path repo = repo();
        Projects.Config config = Projects.config(repo, project, "sh", "-c", "exit 0");
        config.gpus = "al";
        CapturingLog log = new CapturingLog();
        ExpError e = assertThrows(ExpError.class, () -> new ExperimentRunner(log).run(config.build()));
        assertEquals(List.of(), log.lines(), "refused before the engine is even asked");
        assertTrue(e.getMessage().startsWith("The gpus setting 'al' is not understood"), e.getMessage());
        assertFalse(Files.exists(repo.resolve("target/exp/runs")), "no run directory");
        Projects.Config count = Projects.config(repo, project, "sh", "-c", "exit 0");
        count.gpus = "2";
        count.gpuRequest = "cdi";
        CapturingLog countLog = new CapturingLog();
        ExpError cdiCount = assertThrows(ExpError.class, () -> new ExperimentRunner(countLog).run(count.build()));
        assertTrue(cdiCount.getMessage().startsWith("gpus=2 is a count, and a CDI request names devices"), cdiCount.getMessage());
        assertEquals(List.of(), countLog.lines(), "refused before the engine is asked or the image pulled");
        assertFalse(Files.exists(repo.resolve("target/exp/runs")), "no run directory");
    }

    @Test
    void theRecordSaysWhatTheEngineIs() {
        RunResult result = new ExperimentRunner(new CapturingLog()).run(Projects.config(repo(), project, "sh", "-c", "exit 0").build());
        RunRecord.EngineInfo engine = result.record().engine();
        assertEquals(TestEngine.kind() == null ? engine.name() : TestEngine.kind(), engine.name());
        assertTrue(engine.components().stream().anyMatch(c -> c.startsWith(engine.name().equals("docker") ? "Engine " : "Podman Engine ")),
                engine.components().toString());
        assertTrue(engine.runtimes().contains(engine.defaultRuntime()), engine.runtimes() + " " + engine.defaultRuntime());
    }

    @Test
    void aTracebackPrintedBeforeTheLastLinesIsStillInTheMessage() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh",
                "echo 'Traceback: early' >&2\nsleep 0.3\ni=0; while [ $i -lt 40 ]; do i=$((i+1)); echo \"epoch $i\"; done\nexit 3\n"));
        ExpFailure e = assertThrows(ExpFailure.class,
                () -> new ExperimentRunner(new CapturingLog()).run(Projects.config(repo, project, "sh", "train.sh").build()));
        assertTrue(e.getMessage().contains("Last 30 line(s) of the log:\n    epoch 11\n"), e.getMessage());
        assertTrue(e.getMessage().endsWith("    epoch 40\nLast 1 line(s) on stderr:\n    Traceback: early"), e.getMessage());
    }

    @Test
    void aMalformedMetricsFileFailsNamingTheFile() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", "printf '{\"acc\": 0.9,' > $EXP_OUTPUT_DIR/metrics.json\n"));
        ExpFailure e = assertThrows(ExpFailure.class,
                () -> new ExperimentRunner(new CapturingLog()).run(Projects.config(repo, project, "sh", "train.sh").build()));
        assertTrue(e.getMessage().contains("out/metrics.json is not valid JSON at line 1"), e.getMessage());
        assertEquals(RunStatus.FAILED, RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class).status());
    }

    @Test
    void aTimeoutStopsTheRunAndRecordsIt() {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", "echo start\nexec sleep 120\n"));
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.timeout = "2s";
        ExpFailure e = assertThrows(ExpFailure.class, () -> new ExperimentRunner(new CapturingLog()).run(config.build()));
        assertTrue(e.getMessage().contains("reached its timeout of 2s"), e.getMessage());
        assertEquals(RunStatus.TIMED_OUT, RecordJson.read(RunDirectory.lastRun(repo.resolve("target")), RunRecord.class).status());
    }

    @Test
    void outsideAnyRepositoryItRunsWithAWarning() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Files.writeString(plain.resolve("train.sh"), "echo \"commit=[$EXP_GIT_COMMIT]\"\n");
        CapturingLog log = new CapturingLog();
        RunResult result = new ExperimentRunner(log).run(Projects.config(plain, project, "sh", "train.sh").build());
        assertFalse(result.record().git().present());
        assertEquals(List.of("commit=[]"), log.containerLines());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("WARN ") && l.contains("git")), log.lines().toString());
    }

    @Test
    void twoRunsAtOnceInTwoLinkedWorktreesKeepTheirOwnBranches() throws Exception {
        Path repo = repo();
        Path a = tmp.resolve("wt-a");
        Path b = tmp.resolve("wt-b");
        Cmd.run(repo, "git", "worktree", "add", "-q", "-b", "exp/lr-a", a.toString());
        Cmd.run(repo, "git", "worktree", "add", "-q", "-b", "exp/lr-b", b.toString());
        Files.writeString(b.resolve("train.sh"), "echo b; sleep 1\n");
        Cmd.run(b, "git", "commit", "-q", "-am", "b's change");
        Files.writeString(a.resolve("train.sh"), "echo a; sleep 1\n");
        Cmd.run(a, "git", "commit", "-q", "-am", "a's change");

        CompletableFuture<RunResult> runA = CompletableFuture.supplyAsync(
                () -> new ExperimentRunner(new CapturingLog()).run(Projects.config(a, project, "sh", "train.sh").build()));
        CompletableFuture<RunResult> runB = CompletableFuture.supplyAsync(
                () -> new ExperimentRunner(new CapturingLog()).run(Projects.config(b, project, "sh", "train.sh").build()));
        RunRecord ra = runA.get().record();
        RunRecord rb = runB.get().record();
        assertEquals("exp/lr-a", ra.git().branch());
        assertEquals("exp/lr-b", rb.git().branch());
        assertEquals(Projects.head(a), ra.git().commit());
        assertEquals(Projects.head(b), rb.git().commit());
        assertFalse(ra.runId().equals(rb.runId()));
        assertEquals(a.toRealPath().toString(), Path.of(ra.container().workspace()).toRealPath().toString());
        assertNull(ra.failure());
    }
}
