package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.exprun.artifacts.Sha256;
import dev.exprun.container.ContainerLabels;
import dev.exprun.core.ExpFailure;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.record.RunRecord;
import dev.exprun.testing.CapturingLog;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.TestEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every exp:run leaves a note on its commit, successful or not, and touches nothing else in the repository. */
class RunNotesEngineTest {
    @TempDir
    Path tmp;
    private final String project = "p" + Long.toHexString(System.nanoTime());

    @AfterEach
    void noContainerLeftBehind() {
        assertEquals(List.of(), TestEngine.containersLabelled(ContainerLabels.PROJECT + "=test.exprun:" + project));
    }

    private static List<RunNote> notes(Path repo, String commit) throws Exception {
        try (Repository r = new FileRepositoryBuilder().findGitDir(repo.toFile()).build()) {
            return new RunNotes(r).readAll().getOrDefault(commit, List.of());
        }
    }

    @Test
    void succeededAndFailedRunsAreNotedOnTheirCommitAndNoneSwitchesItOff() throws Exception {
        Path repo = Projects.gitRepo(tmp.resolve("repo"), Map.of(".gitignore", "target/\n", "train.sh", """
                mkdir -p "$EXP_OUTPUT_DIR" && echo weights > "$EXP_OUTPUT_DIR/best.pt"
                printf '{"val_acc": 0.93}' > "$EXP_OUTPUT_DIR/metrics.json"
                exit "${FAIL:-0}"
                """));
        String head = Projects.head(repo);
        String branches = Cmd.run(repo, "git", "for-each-ref", "refs/heads");

        Projects.Config ok = Projects.config(repo, project, "sh", "train.sh");
        RunResult result = new ExperimentRunner(new CapturingLog()).run(ok.build());
        Projects.Config failing = Projects.config(repo, project, "sh", "train.sh");
        failing.env.put("FAIL", "3");
        assertThrows(ExpFailure.class, () -> new ExperimentRunner(new CapturingLog()).run(failing.build()));
        Projects.Config off = Projects.config(repo, project, "sh", "train.sh");
        off.recordInGit = "none";
        new ExperimentRunner(new CapturingLog()).run(off.build());

        List<RunNote> notes = notes(repo, head);
        assertEquals(List.of("succeeded", "failed"), notes.stream().map(RunNote::status).toList());
        RunNote first = notes.get(0);
        RunRecord record = result.record();
        assertEquals(record.runId(), first.runId());
        assertEquals(record.image().digest(), first.imageDigest());
        assertEquals(Map.of("val_acc", 0.93), first.metrics());
        assertEquals(List.of("sh", "train.sh"), first.command());
        RunNote.Artifact model = first.artifacts().stream().filter(a -> a.classifier().equals("model")).findFirst().orElseThrow();
        assertEquals("test.exprun:" + project + ":pt:model:1.0-SNAPSHOT", model.coordinates());
        assertEquals("best.pt", model.path());
        assertEquals(record.outputs().get(0).sha256(), model.sha256());
        RunNote.Artifact recordFile = first.artifacts().stream().filter(a -> a.classifier().equals("exp-run")).findFirst().orElseThrow();
        assertEquals(Sha256.of(result.directory().record()), recordFile.sha256());
        RunNote.Artifact failedModel = notes.get(1).artifacts().stream().filter(a -> "model".equals(a.classifier())).findFirst().orElseThrow();
        assertNull(failedModel.coordinates(), "a failed run publishes nothing, but its outputs stay findable by sha256");

        // Only the notes ref moved: HEAD, branches, index and work tree are as they were.
        assertEquals(head, Projects.head(repo));
        assertEquals(branches, Cmd.run(repo, "git", "for-each-ref", "refs/heads"));
        assertEquals("", Cmd.run(repo, "git", "status", "--porcelain"));
        assertEquals(2, Cmd.run(repo, "git", "notes", "--ref=exprun", "show", head).lines().filter(l -> l.startsWith("{")).count());
    }
}
