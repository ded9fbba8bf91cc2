package dev.exprun.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateCheck;
import dev.exprun.gate.GateResult;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exp:tag against real repositories: annotated, on the run's clean commit, never moved. */
class ModelTaggerTest {
    @TempDir
    Path tmp;

    private Path repo() {
        return Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n", ".gitignore", "target/\n"));
    }

    private static RunRecord runOn(Path repo) {
        GitProvenance git = new GitProvenanceResolver(ExpLog.NONE, Map.of())
                .resolve(repo, repo.resolve("target"), repo.resolve("target/p.patch"));
        RunRecord sample = Records.sample();
        Map<String, Double> metrics = new java.util.LinkedHashMap<>(); // in metrics.json's order, as MetricsReader keeps it
        metrics.put("val_acc", 0.932);
        metrics.put("f1", 0.897);
        return new RunRecord(sample.schema(), sample.runId(), RunStatus.SUCCEEDED, 0, null, sample.project(), git, sample.image(),
                sample.container(), sample.params(), metrics, sample.outputs(), sample.engine(),
                sample.host(), sample.startedAt(), sample.endedAt(), sample.durationMs());
    }

    private static TagRequest request(Path repo, String name, RunRecord run, List<GateResult> gates) {
        return new TagRequest(repo, repo.resolve("target"), name, run, gates,
                List.of(Map.of("coordinates", "org.example:model:pt:model:1.0", "sha256", "c".repeat(64))), Map.of(), TagOptions.local());
    }

    @Test
    void anAnnotatedTagOnTheRunsCommitWithItsRecordInTheMessage() throws Exception {
        Path repo = repo();
        RunRecord run = runOn(repo);
        new ModelTagger(new CapturingLog()).tag(request(repo, "v1.0-prod-ready", run, List.of()));

        assertEquals("tag", Cmd.run(repo, "git", "cat-file", "-t", "v1.0-prod-ready"));
        assertEquals(Projects.head(repo), Cmd.run(repo, "git", "rev-parse", "v1.0-prod-ready^{commit}"));
        String message = Cmd.run(repo, "git", "tag", "-l", "--format=%(contents)", "v1.0-prod-ready");
        assertTrue(message.startsWith("model 1.0: val_acc=0.932 f1=0.897\n"), message);
        JsonNode block = TagAnnotation.read(message).orElseThrow();
        assertEquals(run.runId(), block.get("runId").asText());
        assertEquals(run.git().commit(), block.get("commit").asText());
        assertEquals(run.image().digest(), block.get("image").get("digest").asText());
        assertEquals(0.932, block.get("metrics").get("val_acc").asDouble());
        assertEquals("c".repeat(64), block.get("artifacts").get(0).get("sha256").asText());
        assertEquals("", Cmd.run(repo, "git", "status", "--porcelain"));
    }

    @Test
    void anExistingTagIsNeverMoved() {
        Path repo = repo();
        Cmd.run(repo, "git", "tag", "v1.0-prod-ready");
        String before = Cmd.run(repo, "git", "rev-parse", "v1.0-prod-ready");
        ExpFailure e = assertThrows(ExpFailure.class,
                () -> new ModelTagger(new CapturingLog()).tag(request(repo, "v1.0-prod-ready", runOn(repo), List.of())));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(before, Cmd.run(repo, "git", "rev-parse", "v1.0-prod-ready"));
    }

    @Test
    void aDirtyTreeAMovedHeadOrAFailedGateIsRefusedAndNothingIsWritten() throws Exception {
        Path repo = repo();
        RunRecord run = runOn(repo);
        Files.writeString(repo.resolve("train.py"), "print(2)\n");
        assertTrue(assertThrows(ExpFailure.class, () -> new ModelTagger(new CapturingLog()).tag(request(repo, "v1.0-a", run, List.of())))
                .getMessage().contains("modified: train.py"));
        Cmd.run(repo, "git", "commit", "-qam", "later");
        assertTrue(assertThrows(ExpFailure.class, () -> new ModelTagger(new CapturingLog()).tag(request(repo, "v1.0-b", run, List.of())))
                .getMessage().startsWith("HEAD is "));
        RunRecord atHead = runOn(repo);
        List<GateResult> failed = GateCheck.evaluate(List.of(Gate.parse("val_acc >= 0.95")), atHead.metrics());
        assertTrue(assertThrows(ExpFailure.class, () -> new ModelTagger(new CapturingLog()).tag(request(repo, "v1.0-c", atHead, failed)))
                .getMessage().contains("val_acc >= 0.95"));
        assertEquals("", Cmd.run(repo, "git", "tag", "-l"));
    }

    @Test
    void twoBuildsTaggingTheSameNameAtOnceExactlyOneWins() throws Exception {
        Path repo = repo();
        RunRecord run = runOn(repo);
        List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    new ModelTagger(new CapturingLog()).tag(request(repo, "v1.0-race", run, List.of()));
                    outcomes.add("won");
                } catch (ExpFailure e) {
                    outcomes.add("refused");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, outcomes.stream().filter("won"::equals).count(), outcomes.toString());
        assertEquals(3, outcomes.stream().filter("refused"::equals).count(), outcomes.toString());
    }

    @Test
    void tagNamesFromTemplatesAndThePattern() {
        RunRecord run = runOn(repo());
        assertEquals("v1.0-acc0932", TagName.resolve("v${project.version}-acc${exp.metric.val_acc}", null, run));
        assertEquals("v1.0-img1", TagName.resolve("v${project.version}-img${exp.image.tag}", null, run));
        ExpError e = assertThrows(ExpError.class, () -> TagName.resolve("V1.0_Prod", null, run));
        assertTrue(e.getMessage().contains("'V1.0_Prod'"), e.getMessage());
        assertThrows(ExpError.class, () -> TagName.resolve("v1.0-${exp.metric.bleu}", null, run));
    }
}
