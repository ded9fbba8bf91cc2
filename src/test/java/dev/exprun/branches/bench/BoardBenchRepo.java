package dev.exprun.branches.bench;

import dev.exprun.branches.BoardOptions;
import dev.exprun.branches.ExperimentBoard;
import dev.exprun.history.NoteLines;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.history.bench.NotesBenchmark;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The board case of the history benchmark (bench/cases/history.sh): a repository with main and 100 experiment branches
 * ({@code exp/b000} ...) cut from main at different points, each with 10 commits and 10 noted runs on each (100 runs a
 * branch, 10,000 in all), plus runs on main; made with {@code git fast-import} and one notes tree. Prints what it built
 * and checks the board sees every branch with 100 runs. Not a test. Args: repoDir (must not exist) [branches=100]
 * [commitsPerBranch=10] [runsPerCommit=10].
 */
public final class BoardBenchRepo {
    private static final int MAIN_COMMITS = 200;

    private BoardBenchRepo() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int branches = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int perBranch = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int perCommit = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists; give a new directory");
        }
        long t0 = System.nanoTime();
        fastImport(dir, branches, perBranch);
        try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build()) {
            int runs = writeNotes(repo, dir, branches, perCommit);
            git(dir, "gc", "-q");
            var board = ExperimentBoard.build(repo, new RunNotes(repo).readAll(),
                    new BoardOptions(null, null, "val_acc", List.of(), List.of(), List.of(), "csv"));
            check(board.rows().size() == branches, "the board has " + board.rows().size() + " rows");
            check(board.rows().stream().allMatch(r -> r.runs().runs() == perBranch * perCommit), "a branch without all its runs");
            System.out.printf("built main (%d commits) and %d branches x %d commits, %d noted runs (%d a branch), in %.0f ms%n",
                    MAIN_COMMITS, branches, perBranch, runs, perBranch * perCommit, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** main's commits, then each branch's, in one fast-import stream; branch b is cut from main's commit 100 + b. */
    private static void fastImport(Path dir, int branches, int perBranch) throws Exception {
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", "main");
        StringBuilder s = new StringBuilder();
        int mark = 0;
        for (int i = 1; i <= MAIN_COMMITS; i++) {
            mark++;
            commit(s, "refs/heads/main", mark, i > 1 ? mark - 1 : 0, "train.py", "lr = " + i + "e-4\n", "main " + i);
        }
        for (int b = 0; b < branches; b++) {
            String ref = String.format("refs/heads/exp/b%03d", b);
            int from = Math.min(MAIN_COMMITS, MAIN_COMMITS / 2 + b);
            for (int c = 0; c < perBranch; c++) {
                mark++;
                commit(s, ref, mark, c == 0 ? from : mark - 1, "exp" + b + "/conf" + c + ".py", "x = " + c + "\n", "exp " + b + " step " + c);
            }
        }
        Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(s.toString().getBytes(StandardCharsets.UTF_8));
        }
        check(p.waitFor() == 0, "git fast-import failed");
        git(dir, "reset", "-q", "--hard", "main");
    }

    private static void commit(StringBuilder s, String ref, int mark, int from, String file, String content, String message) {
        s.append("commit ").append(ref).append("\nmark :").append(mark).append('\n')
                .append("committer Bench <bench@example.invalid> ").append(1_700_000_000L + mark * 60L).append(" +0000\n")
                .append("data ").append(message.length()).append('\n').append(message).append('\n');
        if (from > 0) {
            s.append("from :").append(from).append('\n');
        }
        s.append("M 100644 inline ").append(file).append("\ndata ").append(content.length()).append('\n').append(content).append('\n');
    }

    /** perCommit runs on each branch commit (named with its branch) and on main's last 10 commits; one notes commit. */
    private static int writeNotes(Repository repo, Path dir, int branches, int perCommit) throws Exception {
        NoteMap map = NoteMap.newEmptyMap();
        int n = 0;
        try (ObjectInserter inserter = repo.newObjectInserter()) {
            List<String[]> targets = new ArrayList<>();
            for (String id : lines(git(dir, "rev-list", "-10", "main"))) {
                targets.add(new String[] {id, "main"});
            }
            for (int b = 0; b < branches; b++) {
                String branch = String.format("exp/b%03d", b);
                for (String id : lines(git(dir, "rev-list", "main.." + branch))) {
                    targets.add(new String[] {id, branch});
                }
            }
            for (String[] t : targets) {
                StringBuilder text = new StringBuilder();
                for (int k = 0; k < perCommit; k++) {
                    text.append(NoteLines.format(note("run-" + n, t[0], t[1], k, n))).append('\n');
                    n++;
                }
                map.set(ObjectId.fromString(t[0]), text.toString(), inserter);
            }
            NotesBenchmark.commitNotes(repo, map, inserter);
        }
        return n;
    }

    private static RunNote note(String runId, String commit, String branch, int k, int n) {
        double valAcc = 0.5 + (n * 7919 % 4000) / 10000.0;
        return new RunNote(RunNote.SCHEMA, runId, k == 9 ? "failed" : "succeeded", "2026-11-" + (10 + k) + "T10:00:00Z",
                "com.example.ml:classifier:1.0-SNAPSHOT", commit, branch, null, false, null, "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
                "sha256:" + "ab".repeat(32), List.of("python", "train.py"), Map.of("lr", 1e-4 * (k + 1), "batch_size", 64),
                k == 9 ? Map.of() : Map.of("val_acc", valAcc, "loss", 1 - valAcc), List.of(), "podman 4.3.1", List.of(), null);
    }

    private static List<String> lines(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\n"));
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check(p.waitFor() == 0, String.join(" ", command) + ": " + out);
        return out;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
