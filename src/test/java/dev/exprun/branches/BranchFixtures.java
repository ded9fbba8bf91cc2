package dev.exprun.branches;

import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.testing.Cmd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Real repositories for the branch goals, made with the git program (branches, merges, clones, a bare remote), and runs
 * noted on their commits as exp:run notes them.
 */
final class BranchFixtures {
    private final Path home;

    BranchFixtures(Path tmp) {
        this.home = tmp.resolve("home");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** git in dir, with a HOME of its own so the machine's git settings cannot leak in. */
    String git(Path dir, String... args) {
        return gitAt(null, dir, args);
    }

    /** git with the committer's (and tagger's) date set, e.g. {@code 2026-11-30T10:00:00Z}; null: now. */
    String gitAt(String date, Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1", "GIT_AUTHOR_NAME", "Test",
                "GIT_AUTHOR_EMAIL", "test@example.invalid", "GIT_COMMITTER_NAME", "Test", "GIT_COMMITTER_EMAIL", "test@example.invalid"));
        if (date != null) {
            env.put("GIT_COMMITTER_DATE", date);
        }
        return Cmd.run(dir, env, command);
    }

    /** Writes file with content, commits everything; the new commit's id. */
    String commit(Path repo, String file, String content) {
        try {
            Path f = repo.resolve(file);
            Files.createDirectories(f.getParent());
            Files.writeString(f, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "edit " + file);
        return git(repo, "rev-parse", "HEAD");
    }

    /** A run noted on commit, as made on branch: status, when, and val_acc (null: none). */
    static void run(Path repo, String commit, String branch, String runId, String status, String startedAt, Double valAcc) {
        RunNote note = new RunNote(RunNote.SCHEMA, runId, status, startedAt, "dev.exprun.test:board:1.0", commit, branch, null, false, null,
                "localhost/exp-test/pytorch-cpu:1.13", "sha256:" + "ab".repeat(32), List.of("python3", "train.py"),
                Map.of("lr", 0.01), valAcc == null ? Map.of() : Map.of("val_acc", valAcc, "loss", 1 - valAcc), List.of(), "podman 4.3.1",
                List.of(), null);
        try (Repository r = new FileRepositoryBuilder().setWorkTree(repo.toFile()).setMustExist(true).build()) {
            new RunNotes(r).append(commit, note);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Repository open(Path repo) {
        try {
            return new FileRepositoryBuilder().setWorkTree(repo.toFile()).setMustExist(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * main (two commits, runs m1 0.80 and m2 0.85 on the second, then one more commit), and three experiment branches cut
     * from main's second commit: exp/adamw (two commits touching two files; runs 0.88, 0.90 and one failed), exp/dropout
     * (one commit; a run at 0.83), exp/wide (no commit of its own; a run noted with its name at 0.86 on main's commit),
     * and feature/io (not an experiment). HEAD: main.
     */
    Path threeExperiments(Path dir) {
        git(dir.getParent(), "init", "-q", dir.toString());
        commit(dir, "train.py", "print('v1')\n");
        String cut = commit(dir, "train.py", "print('v2')\n");
        run(dir, cut, "main", "m1", "succeeded", "2026-11-29T10:00:00Z", 0.80);
        run(dir, cut, "main", "m2", "succeeded", "2026-11-29T11:00:00Z", 0.85);
        git(dir, "switch", "-q", "-c", "exp/adamw");
        String a1 = commit(dir, "train.py", "print('adamw')\n");
        run(dir, a1, "exp/adamw", "a1", "succeeded", "2026-11-30T10:00:00Z", 0.88);
        String a2 = commit(dir, "optim.py", "ADAMW = True\n");
        run(dir, a2, "exp/adamw", "a2", "succeeded", "2026-11-30T11:00:00Z", 0.90);
        run(dir, a2, "exp/adamw", "a3", "failed", "2026-11-30T12:00:00Z", null);
        git(dir, "switch", "-q", "-c", "exp/dropout", "main");
        String d1 = commit(dir, "model.py", "DROPOUT = 0.3\n");
        run(dir, d1, "exp/dropout", "d1", "succeeded", "2026-11-30T09:00:00Z", 0.83);
        git(dir, "switch", "-q", "-c", "exp/wide", "main");
        run(dir, cut, "exp/wide", "w1", "succeeded", "2026-11-30T08:00:00Z", 0.86);
        git(dir, "switch", "-q", "-c", "feature/io", "main");
        commit(dir, "io.py", "pass\n");
        git(dir, "switch", "-q", "main");
        commit(dir, "README.md", "# models\n");
        return dir;
    }
}
