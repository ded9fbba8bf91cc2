package dev.exprun.history.bench;

import dev.exprun.history.NoteLines;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Times {@link RunNotes#readAll()} on 10,000 runs over 2,000 commits against native
 * {@code git log --notes=exprun --oneline} on the same repository, first with the notes as JGit
 * wrote them (loose objects, as between two auto-gcs), then after {@code git gc}. Not a test: run by hand,
 * e.g.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.exprun.history.bench.NotesBenchmark /tmp/notes-bench
 * </pre>
 *
 * Args: repoDir (must not exist) [commits=2000] [runsPerCommit=5] [iterations=20]. The commits are
 * made with {@code git fast-import}, the notes tree written in one go. "Cold" is the first readAll in
 * the JVM (class loading and JIT included); "warm" the median of the iterations after it.
 */
public final class NotesBenchmark {
    private NotesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/notes-bench");
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int perCommit = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists; give a new directory");
        }
        long t0 = System.nanoTime();
        List<String> ids = fastImport(dir, commits);
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build()) {
            writeNotes(repo, ids, perCommit);
            System.out.printf("built %d commits, %d runs in %.0f ms%n", commits, commits * perCommit, ms(System.nanoTime() - t0));

            long start = System.nanoTime();
            int runs = count(new RunNotes(repo).readAll());
            System.out.printf("readAll cold (first call in the JVM): %.1f ms, %d runs%n", ms(System.nanoTime() - start), runs);
            check(runs == commits * perCommit, "readAll saw " + runs + " runs");
            check(nativeNoteLines(dir) == commits * perCommit, "git log shows every run");

            report("loose objects", repo, dir, iterations);
            git(dir, "gc", "-q");
            report("after git gc", repo, dir, iterations);
        }
    }

    private static void report(String label, Repository repo, Path dir, int iterations) throws Exception {
        double[] ours = new double[iterations];
        double[] git = new double[iterations];
        for (int i = 0; i < 3; i++) {
            new RunNotes(repo).readAll();
        }
        // Interleaved, so that load from other processes hits both sides alike.
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            count(new RunNotes(repo).readAll());
            ours[i] = ms(System.nanoTime() - start);
            start = System.nanoTime();
            git(dir, "log", "--notes=exprun", "--oneline");
            git[i] = ms(System.nanoTime() - start);
        }
        System.out.printf("%-14s readAll warm: median %.1f ms (min %.1f)   git log --notes=exprun --oneline: median %.1f ms (min %.1f)%n",
                label, median(ours), min(ours), median(git), min(git));
    }

    /** 2,000 commits in one git fast-import stream, each changing one file; returns their ids oldest first. */
    static List<String> fastImport(Path dir, int commits) throws Exception {
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", "main");
        StringBuilder stream = new StringBuilder();
        for (int i = 1; i <= commits; i++) {
            String message = "commit " + i + "\n";
            String content = "lr = " + i + "e-4\n";
            stream.append("commit refs/heads/main\nmark :").append(i).append('\n')
                    .append("committer Bench <bench@example.invalid> ").append(1_700_000_000L + i * 60L).append(" +0000\n")
                    .append("data ").append(message.length()).append('\n').append(message);
            if (i > 1) {
                stream.append("from :").append(i - 1).append('\n');
            }
            stream.append("M 100644 inline train.py\ndata ").append(content.length()).append('\n').append(content).append('\n');
        }
        Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stream.toString().getBytes(StandardCharsets.UTF_8));
        }
        check(p.waitFor() == 0, "git fast-import failed");
        git(dir, "reset", "-q", "--hard", "main");
        return List.of(run(dir, "git", "rev-list", "--reverse", "main").split("\n"));
    }

    /** The notes tree in one go: one commit on RunNotes.REF, as if every run had been appended. */
    static void writeNotes(Repository repo, List<String> ids, int perCommit) throws IOException {
        NoteMap map = NoteMap.newEmptyMap();
        try (ObjectInserter inserter = repo.newObjectInserter()) {
            int n = 0;
            for (String id : ids) {
                StringBuilder text = new StringBuilder();
                for (int k = 0; k < perCommit; k++) {
                    text.append(NoteLines.format(note("run-" + (n++), id, k))).append('\n');
                }
                map.set(ObjectId.fromString(id), text.toString(), inserter);
            }
            commitNotes(repo, map, inserter);
        }
    }

    /** The notes map as the one commit of {@link RunNotes#REF}, which must not exist yet. */
    public static void commitNotes(Repository repo, NoteMap map, ObjectInserter inserter) throws IOException {
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(map.writeTree(inserter));
        PersonIdent ident = new PersonIdent("Bench", "bench@example.invalid");
        commit.setAuthor(ident);
        commit.setCommitter(ident);
        commit.setMessage("exprun: benchmark runs\n");
        ObjectId notes = inserter.insert(commit);
        inserter.flush();
        RefUpdate update = repo.updateRef(RunNotes.REF);
        update.setExpectedOldObjectId(ObjectId.zeroId());
        update.setNewObjectId(notes);
        check(update.update() == RefUpdate.Result.NEW, "notes ref not created");
    }

    /** A note the size of a real one: params, metrics, three artifacts. */
    private static RunNote note(String runId, String commit, int k) {
        String group = "com.example.ml:classifier";
        List<RunNote.Artifact> artifacts = List.of(
                new RunNote.Artifact(group + ":json:exp-run:1.0-SNAPSHOT", "exp-run", "json", null, sha(runId, 1)),
                new RunNote.Artifact(group + ":json:exp-metrics:1.0-SNAPSHOT", "exp-metrics", "json", null, sha(runId, 2)),
                new RunNote.Artifact(group + ":pt:model:1.0-SNAPSHOT", "model", "pt", "model.pt", sha(runId, 3)));
        return new RunNote(RunNote.SCHEMA, runId, k == 4 ? "failed" : "succeeded", "2024-05-01T10:0" + k + ":00Z",
                group + ":1.0-SNAPSHOT", commit, "main", "v1.2-3-g" + commit.substring(0, 7), false, null,
                "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime", "sha256:" + sha(runId, 4), List.of("python", "train.py", "--epochs", "10"),
                Map.of("lr", 0.001 * (k + 1), "batch_size", 64, "optimizer", "adamw"), Map.of("val_acc", 0.9 + k / 100.0, "loss", 0.3 - k / 100.0),
                artifacts, "docker 27.0.1", List.of("NVIDIA H100 80GB HBM3"), null);
    }

    private static String sha(String runId, int salt) {
        String h = Integer.toHexString((runId + salt).hashCode());
        return (h + "0".repeat(8 - h.length())).repeat(8);
    }

    private static int count(Map<String, List<RunNote>> all) {
        return all.values().stream().mapToInt(List::size).sum();
    }

    private static long nativeNoteLines(Path dir) throws Exception {
        return run(dir, "git", "log", "--notes=exprun", "--oneline").lines().filter(l -> l.contains("\"runId\"")).count();
    }

    static void git(Path dir, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        check(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, String.join(" ", command) + " failed");
    }

    static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check(p.waitFor() == 0, String.join(" ", command) + " failed: " + out);
        return out.strip();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
