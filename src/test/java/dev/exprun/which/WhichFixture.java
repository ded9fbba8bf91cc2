package dev.exprun.which;

import dev.exprun.tagging.ExpTag;
import dev.exprun.tagging.ExpTags;
import dev.exprun.git.GitChanges;
import dev.exprun.git.GitProvenance;
import dev.exprun.history.NoteLines;
import dev.exprun.history.RunNote;
import dev.exprun.record.RunRecord;
import dev.exprun.tagging.TagAnnotation;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import dev.exprun.testing.Records;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** A real repository with run notes written by native git notes and exp tags made by git tag -a, as the plugin leaves them. */
final class WhichFixture {
    static final String COORDINATES = "org.example:mnist:pt:model:1.0";
    static final String IMAGE = "localhost/exp-test/pytorch-cpu:1.13";
    static final String DIGEST = "sha256:" + "d".repeat(64);

    final Path dir;
    private final Path scratch;
    private final Set<String> noted = new HashSet<>();

    WhichFixture(Path tmp) {
        this.dir = Projects.gitRepo(tmp.resolve("repo"), Map.of("train.py", "print(1)\n"));
        this.scratch = tmp;
    }

    String head() {
        return Projects.head(dir);
    }

    String commit(String content) {
        try {
            Files.writeString(dir.resolve("train.py"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.run(dir, "git", "commit", "-qam", content.trim());
        return head();
    }

    static RunNote note(String runId, String commit, List<RunNote.Artifact> artifacts) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.01);
        params.put("epochs", 3);
        params.put("arch", "linear");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_acc", 0.932);
        metrics.put("loss", 0.21);
        return new RunNote(RunNote.SCHEMA, runId, "succeeded", startedAt(runId), "org.example:mnist:1.0",
                commit, "main", "v0.9-2-g" + commit.substring(0, 7), false, null, IMAGE, DIGEST, List.of("python3", "train.py"),
                params, metrics, artifacts, "podman 4.3.1", List.of(), null);
    }

    /** Run ids start with their start time: 20260301-101500-... */
    private static String startedAt(String runId) {
        return runId.substring(0, 4) + "-" + runId.substring(4, 6) + "-" + runId.substring(6, 8) + "T" + runId.substring(9, 11) + ":"
                + runId.substring(11, 13) + ":" + runId.substring(13, 15) + "Z";
    }

    static RunNote.Artifact output(String path, String sha256) {
        return new RunNote.Artifact(COORDINATES, "model", "pt", path, sha256);
    }

    static RunNote.Artifact runRecord(String sha256) {
        return new RunNote.Artifact("org.example:mnist:json:exp-run:1.0", "exp-run", "json", null, sha256);
    }

    /** git notes --ref=exprun add (append when the commit already has a note: one JSON line per run). */
    void addNote(RunNote note) {
        String verb = noted.add(note.commit()) ? "add" : "append";
        Cmd.run(dir, "git", "notes", "--ref=exprun", verb, "-m", NoteLines.format(note), note.commit());
    }

    /** What RunNotes.readAll() will give: the notes by commit, read back here with native git. */
    Map<String, List<RunNote>> notes() {
        Map<String, List<RunNote>> byCommit = new LinkedHashMap<>();
        String list = Cmd.run(dir, "git", "notes", "--ref=exprun", "list");
        for (String line : list.isEmpty() ? new String[0] : list.split("\n")) {
            String commit = line.split(" ")[1];
            byCommit.put(commit, NoteLines.parse(Cmd.run(dir, "git", "notes", "--ref=exprun", "show", commit)));
        }
        return byCommit;
    }

    /** An exp tag on HEAD as exp:tag writes it, listing the given artifacts (coordinates, sha256). */
    void expTag(String name, String runId, List<Map<String, String>> artifacts) {
        RunRecord s = Records.sample();
        GitProvenance git = new GitProvenance(true, dir.toString(), "", head(), "main", false, "HEAD", null, List.of(), null, false,
                false, GitChanges.none(), null, 0);
        RunRecord run = new RunRecord(s.schema(), runId, s.status(), 0, null, s.project(), git, s.image(), s.container(), s.params(),
                Map.of("val_acc", 0.93), s.outputs(), s.engine(), s.host(), s.startedAt(), s.endedAt(), s.durationMs());
        try {
            Path message = Files.writeString(scratch.resolve(name + ".msg"), TagAnnotation.write(run, artifacts));
            Cmd.run(dir, "git", "tag", "-a", name, "-F", message.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> artifact(String coordinates, String sha256) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("coordinates", coordinates);
        a.put("sha256", sha256);
        return a;
    }

    List<ExpTag> tags() {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build()) {
            return ExpTags.read(repo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
