package dev.exprun.branches;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;

/**
 * Where a branch is checked out: the main work tree or any linked one ({@code git worktree add}). git refuses to delete
 * such a branch, and so do we: its work tree would be left on a branch that no longer exists. JGit does not read the
 * linked work trees' HEADs, so their files are read here as git writes them.
 */
final class CheckedOut {
    private CheckedOut() {
    }

    /** The work tree that has refName checked out; empty when none has. */
    static Optional<Path> where(Repository repo, String refName) throws IOException {
        Path common = repo.getCommonDirectory().toPath();
        if (headIs(common.resolve("HEAD"), refName)) {
            return Optional.of(repo.isBare() ? common : common.getParent());
        }
        Path worktrees = common.resolve("worktrees");
        if (!Files.isDirectory(worktrees)) {
            return Optional.empty();
        }
        List<Path> linked;
        try (Stream<Path> s = Files.list(worktrees)) {
            linked = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path w : linked) {
            if (headIs(w.resolve("HEAD"), refName)) {
                Path gitdir = w.resolve("gitdir"); // the linked work tree's .git file, one line
                return Optional.of(Files.isRegularFile(gitdir)
                        ? Path.of(Files.readString(gitdir, StandardCharsets.UTF_8).strip()).getParent() : w);
            }
        }
        return Optional.empty();
    }

    private static boolean headIs(Path head, String refName) throws IOException {
        return Files.isRegularFile(head) && Files.readString(head, StandardCharsets.UTF_8).strip().equals("ref: " + refName);
    }
}
