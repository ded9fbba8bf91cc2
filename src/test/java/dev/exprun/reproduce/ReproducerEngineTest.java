package dev.exprun.reproduce;

import dev.exprun.artifacts.ArtifactSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpFailure;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.run.ExperimentRunner;
import dev.exprun.run.RunResult;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:reproduce against the real engine: a dirty run's patch comes back, a varying result is caught, the checkout is left alone. */
class ReproducerEngineTest {
    private static final String TRAIN = """
            acc=$(cat config.txt)
            printf 'weights-%s' "$acc" > "$EXP_OUTPUT_DIR/best.pt"
            printf '{"val_acc": %s, "noise": %s}' "$acc" "${NOISE:-0}" > "$EXP_OUTPUT_DIR/metrics.json"
            if [ -n "$NOISE" ]; then
              # what exprun.seed_everything() reports when torch warned about an op
              mkdir -p "$EXP_OUTPUT_DIR/.exprun"
              printf '{"schema": "exprun.runtime/v1", "seed": 7, "deterministic": "warn", "nondeterministic_ops": ["index_add_cuda_"]}' \
                > "$EXP_OUTPUT_DIR/.exprun/runtime.json"
            fi
            """;

    @TempDir
    Path tmp;
    private final String project = "p" + Long.toHexString(System.nanoTime());

    @AfterEach
    void noContainerLeftBehind() {
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));
    }

    private static final ArtifactSource NOTHING_PUBLISHED = coordinates -> Optional.empty();

    private ReproduceRequest request(Projects.Config config, String ref, ArtifactSource source) {
        return new ReproduceRequest(config.build(), ref, null, Map.of(), source);
    }

    @Test
    void aDirtyRunIsReproducedFromItsPatchWithoutTouchingTheCheckout() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", TRAIN, "config.txt", "0.90\n", ".gitignore", "target/\n"));
        Files.writeString(repo.resolve("config.txt"), "0.93\n"); // the uncommitted change the result depends on
        RunResult original = new ExperimentRunner(new CapturingLog()).run(Projects.config(repo, project, "sh", "train.sh").build());
        assertTrue(original.record().git().dirty());
        Files.writeString(repo.resolve("config.txt"), "0.50\n"); // the user goes on working: not what is reproduced

        CapturingLog log = new CapturingLog();
        new Reproducer(log).reproduce(request(Projects.config(repo, project, "sh", "train.sh"), original.record().runId(), NOTHING_PUBLISHED));

        assertTrue(log.lines().contains("INFO REPRODUCED"), log.lines().toString());
        assertTrue(log.lines().contains("INFO Outputs: bit-identical (1 of 1: best.pt)"), log.lines().toString());
        RunRecord again = RecordJson.read(repo.resolve("target/exp/last-reproduction.json"), RunRecord.class);
        assertEquals(original.record().runId(), again.reproduces());
        assertEquals(original.record().runId(), RecordJson.read(repo.resolve("target/exp/last-run.json"), RunRecord.class).runId(),
                "a reproduction never changes which run exp:verify and exp:tag judge");
        assertEquals(original.record().git().patchSha256(), again.git().patchSha256(), "the same tree, down to the patch");
        assertEquals(0.93, again.metrics().get("val_acc"));
        assertEquals("0.50\n", Files.readString(repo.resolve("config.txt")), "the user's work tree is untouched");
        assertEquals(1, Cmd.run(repo, "git", "worktree", "list").lines().count(), "the temporary worktree is gone");
    }

    /**
     * A run of an image that was never pushed (digest source image-id; on Docker every built, loaded or imported
     * image) is reproduced by sha256:<id>: before the fix it asked for name@sha256:<id>, which no engine resolves.
     */
    @Test
    void aRunOfAnImageThatWasNeverPushedIsReproducedByItsImageId() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", TRAIN, "config.txt", "0.90\n", ".gitignore", "target/\n"));
        String id = TestEngine.docker("image", "inspect", "--format", "{{.Id}}", TestEngine.TINY);
        Projects.Config config = Projects.config(repo, project, "sh", "train.sh");
        config.image = id.startsWith("sha256:") ? id : "sha256:" + id;
        RunResult original = new ExperimentRunner(new CapturingLog()).run(config.build());
        assertEquals("image-id", original.record().image().digestSource());

        CapturingLog log = new CapturingLog();
        new Reproducer(log).reproduce(request(Projects.config(repo, project, "sh", "train.sh"), "HEAD", NOTHING_PUBLISHED));
        RunRecord again = RecordJson.read(repo.resolve("target/exp/last-reproduction.json"), RunRecord.class);
        assertEquals(config.image, again.image().reference(), "run by the id, never name@sha256:<id>");
        assertEquals(original.record().image().imageId(), again.image().imageId());
        assertTrue(log.lines().contains("INFO REPRODUCED"), log.lines().toString());
    }

    /**
     * Docker only: Docker keeps no registry digest for the test image (it was tagged after a pull, and the
     * registry's tag removed), so a run of it by name records its image id; Podman keeps a digest for the
     * same image. Before the fix the reproduction asked Docker for localhost/exp-test/tiny@sha256:<image id>.
     */
    @Test
    @Tag("docker-only")
    void aRunOfALocalImageByNameIsReproducedByItsImageIdOnDocker() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", TRAIN, "config.txt", "0.90\n", ".gitignore", "target/\n"));
        RunResult original = new ExperimentRunner(new CapturingLog()).run(Projects.config(repo, project, "sh", "train.sh").build());
        assertEquals(TestEngine.TINY, original.record().image().reference());
        assertEquals("image-id", original.record().image().digestSource());

        CapturingLog log = new CapturingLog();
        new Reproducer(log).reproduce(request(Projects.config(repo, project, "sh", "train.sh"), "HEAD", NOTHING_PUBLISHED));
        RunRecord again = RecordJson.read(repo.resolve("target/exp/last-reproduction.json"), RunRecord.class);
        assertEquals(original.record().image().digest(), again.image().reference(), "run by the id, never name@sha256:<id>");
        assertTrue(log.lines().contains("INFO Reproducing run " + original.record().runId() + ": commit " + original.record().git().commit()
                + ", image " + original.record().image().digest() + " (the image id of " + TestEngine.TINY + ", which was never pushed)"),
                log.lines().toString());
        assertTrue(log.lines().contains("INFO REPRODUCED"), log.lines().toString());
    }

    @Test
    void aPatchThatCannotBeHadOrIsNotTheRecordedOneStopsIt() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", TRAIN, "config.txt", "0.90\n", ".gitignore", "target/\n"));
        Files.writeString(repo.resolve("config.txt"), "0.93\n");
        RunResult original = new ExperimentRunner(new CapturingLog()).run(Projects.config(repo, project, "sh", "train.sh").build());
        Files.delete(original.directory().patch()); // another machine: no run directory
        String id = original.record().runId();
        ExpFailure missing = assertThrows(ExpFailure.class, () -> new Reproducer(new CapturingLog())
                .reproduce(request(Projects.config(repo, project, "sh", "train.sh"), id, NOTHING_PUBLISHED)));
        assertTrue(missing.getMessage().startsWith("The patch of run " + id + " (test.exprun:" + project + ":patch:exp-diff:1.0-SNAPSHOT) cannot be fetched."),
                missing.getMessage());
        Path tampered = tmp.resolve("tampered.patch");
        Files.writeString(tampered, "diff --git a/config.txt b/config.txt\n");
        ExpFailure wrong = assertThrows(ExpFailure.class, () -> new Reproducer(new CapturingLog())
                .reproduce(request(Projects.config(repo, project, "sh", "train.sh"), id, c -> Optional.of(tampered))));
        assertTrue(wrong.getMessage().contains("is not the one run " + id + " recorded (sha256 differs)"), wrong.getMessage());
    }

    @Test
    void aResultThatVariesIsNotReproduced() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.sh", TRAIN, "config.txt", "0.90\n", ".gitignore", "target/\n"));
        Projects.Config first = Projects.config(repo, project, "sh", "train.sh");
        first.env.put("NOISE", "1");
        RunResult original = new ExperimentRunner(new CapturingLog()).run(first.build());
        Projects.Config second = Projects.config(repo, project, "sh", "train.sh");
        second.env.put("NOISE", "2"); // what differs between the two machines
        CapturingLog log = new CapturingLog();
        ExpFailure e = assertThrows(ExpFailure.class, () -> new Reproducer(log).reproduce(request(second, "HEAD", NOTHING_PUBLISHED)));
        assertTrue(e.getMessage().startsWith("1 of 2 metric(s) of run " + original.record().runId() + " were not reproduced within tolerance"),
                e.getMessage());
        assertTrue(log.lines().contains("INFO NOT REPRODUCED"), log.lines().toString());
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("INFO   noise +1\\.0 +2\\.0 +\\+1\\.00 +abs 1\\.0E-9, rel 1\\.0E-6 +NO")),
                log.lines().toString());
        assertEquals(new RunRecord.RuntimeReport(7L, "warn", List.of("index_add_cuda_")), original.record().runtime());
        assertTrue(log.lines().contains("INFO Likely cause: ops without a deterministic implementation ran (torch warned): index_add_cuda_ in run "
                + original.record().runId() + "; index_add_cuda_ in this reproduction. exprun.seed_everything(seed, strict=True) refuses them."),
                log.lines().toString());
        assertTrue(original.directory().out().resolve(".exprun/runtime.json").toFile().isFile());
        assertTrue(original.record().outputs().stream().noneMatch(o -> o.path().startsWith(".exprun")), "exprun's report is no output");
        // A per-metric tolerance that admits it: reproduced.
        new Reproducer(new CapturingLog()).reproduce(new ReproduceRequest(second.build(), original.record().runId(), null,
                Map.of("noise", "abs=1"), NOTHING_PUBLISHED));
    }
}
