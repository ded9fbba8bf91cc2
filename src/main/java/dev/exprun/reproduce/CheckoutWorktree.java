package dev.exprun.reproduce;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExternalProgram;
import dev.exprun.core.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The recorded commit in a temporary linked worktree (git worktree add --detach), so the user's
 * checkout, index and branches are never touched; removed again when closed.
 */
final class CheckoutWorktree implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final Path repoWorkTree;
    private final Path dir;

    private CheckoutWorktree(Path repoWorkTree, Path dir) {
        this.repoWorkTree = repoWorkTree;
        this.dir = dir;
    }

    static CheckoutWorktree add(Path repoWorkTree, String commit) {
        Path dir;
        try {
            dir = Files.createTempDirectory("exp-reproduce-").resolve("checkout");
        } catch (IOException e) {
            throw new ExpError("Cannot create a temporary directory for the checkout: " + e.getMessage(), "check the temp directory", e);
        }
        ExternalProgram.Result r = git(repoWorkTree, "worktree", "add", "--detach", "--quiet", dir.toString(), commit);
        if (r.exit() != 0) {
            throw new ExpError("Cannot check out " + commit + " into a temporary worktree: " + r.err().strip(),
                    "fetch the commit (git fetch origin " + commit + "), e.g. when it was rebased away on this clone");
        }
        return new CheckoutWorktree(repoWorkTree, dir);
    }

    Path dir() {
        return dir;
    }

    /** git apply, as the patch was made to be applied; false with git's reason when it does not apply. */
    String apply(Path patch) {
        ExternalProgram.Result r = git(dir, "apply", "--whitespace=nowarn", patch.toString());
        return r.exit() == 0 ? null : r.err().strip();
    }

    @Override
    public void close() {
        git(repoWorkTree, "worktree", "remove", "--force", dir.toString());
        git(repoWorkTree, "worktree", "prune");
        FileTrees.deleteQuietly(dir.getParent());
    }

    private static ExternalProgram.Result git(Path where, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        return ExternalProgram.run(where, command, Map.of("GIT_TERMINAL_PROMPT", "0"), new byte[0], TIMEOUT);
    }
}
