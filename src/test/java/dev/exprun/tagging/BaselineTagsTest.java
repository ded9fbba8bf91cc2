package dev.exprun.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.gate.Baseline;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateSettings;
import dev.exprun.record.RunRecord;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baselines are read from exp tags alone, in real repositories: named, or the newest reachable from HEAD. */
class BaselineTagsTest {
    @TempDir
    Path tmp;

    private Path repo() {
        return Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n"));
    }

    private void commit(Path repo, String content) throws Exception {
        Files.writeString(repo.resolve("train.py"), content);
        Cmd.run(repo, "git", "commit", "-qam", content.trim());
    }

    /** An exp tag as exp:tag writes it, made by git itself with a chosen date. */
    private void expTag(Path repo, String name, String date, double valAcc) throws Exception {
        RunRecord sample = Records.sample();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_acc", valAcc);
        metrics.put("loss", Double.NaN);
        RunRecord run = new RunRecord(sample.schema(), "run-" + name, sample.status(), 0, null, sample.project(), sample.git(),
                sample.image(), sample.container(), sample.params(), metrics, sample.outputs(), sample.engine(), sample.host(),
                sample.startedAt(), sample.endedAt(), sample.durationMs());
        Path message = tmp.resolve(name + ".msg");
        Files.writeString(message, TagAnnotation.write(run, List.of()));
        Cmd.run(repo, "env", "GIT_COMMITTER_DATE=" + date, "git", "tag", "-a", name, "-F", message.toString());
    }

    @Test
    void latestIsTheNewestExpTagReachableFromHead() throws Exception {
        Path repo = repo();
        expTag(repo, "v1.0-prod-ready", "2026-01-01T00:00:00Z", 0.90);
        commit(repo, "print(2)\n");
        expTag(repo, "v1.1-prod-ready", "2026-02-01T00:00:00Z", 0.91);
        Cmd.run(repo, "git", "tag", "v1.2-light"); // lightweight: carries no metrics, never a baseline
        Cmd.run(repo, "env", "GIT_COMMITTER_DATE=2026-04-01T00:00:00Z", "git", "tag", "-a", "v1.3-note", "-m", "no block");
        // Newer, but on a branch HEAD does not contain: not a baseline for this line of work.
        Cmd.run(repo, "git", "checkout", "-q", "-b", "side", "HEAD~1");
        commit(repo, "print(3)\n");
        expTag(repo, "v2.0-side", "2026-03-01T00:00:00Z", 0.99);
        Cmd.run(repo, "git", "checkout", "-q", "main");

        Baseline latest = BaselineTags.find(repo, "latest").orElseThrow();
        assertEquals("v1.1-prod-ready", latest.tag());
        assertEquals("run-v1.1-prod-ready", latest.runId());
        assertEquals(Cmd.run(repo, "git", "rev-parse", "HEAD"), latest.commit());
        assertEquals(0.91, latest.metrics().get("val_acc"));
        assertTrue(latest.metrics().get("loss").isNaN(), "NaN is read back from its string form");

        assertEquals("v2.0-side", BaselineTags.find(repo, "v2.0-side").orElseThrow().tag(), "a named tag need not be reachable");
        Cmd.run(repo, "git", "checkout", "-q", "side");
        assertEquals("v2.0-side", BaselineTags.find(repo, "latest").orElseThrow().tag());
    }

    @Test
    void aNamedTagThatIsMissingLightweightOrNotAnExpTagIsRefused() throws Exception {
        Path repo = repo();
        Cmd.run(repo, "git", "tag", "v1.0-light");
        Cmd.run(repo, "git", "tag", "-a", "v1.0-plain", "-m", "Final model: acc 0.932");
        assertTrue(assertThrows(ExpError.class, () -> BaselineTags.find(repo, "v0.9")).getMessage().contains("v0.9 does not exist"));
        assertTrue(assertThrows(ExpError.class, () -> BaselineTags.find(repo, "v1.0-light")).getMessage().contains("lightweight"));
        assertTrue(assertThrows(ExpError.class, () -> BaselineTags.find(repo, "v1.0-plain")).getMessage().contains("no exprun JSON block"));
        assertEquals(Optional.empty(), BaselineTags.find(repo, "latest"));
    }

    @Test
    void aFreshCloneWithTagsIsEnough() throws Exception {
        Path repo = repo();
        expTag(repo, "v1.0-prod-ready", "2026-01-01T00:00:00Z", 0.93);
        Path clone = tmp.resolve("clone");
        Cmd.run(tmp, "git", "clone", "-q", "--depth", "1", "--no-local", "file://" + repo, clone.toString());
        Cmd.run(clone, "git", "fetch", "-q", "--tags");
        CapturingLog log = new CapturingLog();
        List<Gate> gates = ReleaseGates.resolve(new GateSettings(List.of("val_acc >= 0.5"), null, "latest", Map.of("val_acc", "0.005"),
                null, List.of(), List.of()), clone, log);
        assertEquals(List.of("val_acc >= 0.5", "val_acc >= 0.925 (baseline v1.0-prod-ready 0.93 - 0.005)"),
                gates.stream().map(Gate::describe).toList());
        assertTrue(log.contains("Baseline: v1.0-prod-ready (run run-v1.0-prod-ready, commit "), log.lines().toString());
    }

    @Test
    void theFirstReleaseHasNoBaselineAndSaysSo() {
        Path repo = repo();
        CapturingLog log = new CapturingLog();
        List<Gate> gates = ReleaseGates.resolve(new GateSettings(List.of(), null, "latest", Map.of("val_acc", "0.005"), null,
                List.of(), List.of()), repo, log);
        assertEquals(List.of(), gates);
        assertTrue(log.contains("No exp tag is reachable from HEAD yet, so there is no baseline: the regression gates for [val_acc] are skipped"),
                log.lines().toString());
    }
}
