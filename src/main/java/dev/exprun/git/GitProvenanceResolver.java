package dev.exprun.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.NoWorkTreeException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;

/**
 * Resolves which code a run used: commit, branch, tags, remote, and the uncommitted changes as a
 * patch that reproduces the work tree from the commit. Reads the repository only; it never writes
 * HEAD, the index, config or the work tree. (JGit itself, once per JVM and file system, times the file
 * system's timestamp resolution with a probe file it creates and deletes next to the file it reads,
 * and caches the result in ~/.config/jgit/config.)
 */
public final class GitProvenanceResolver {
    /** A patch this large usually means untracked data or checkpoints were swept into it. */
    static final long LARGE_PATCH_BYTES = 64L << 20;

    private final ExpLog log;
    private final Map<String, String> env;
    private final long largePatchBytes;

    /** @param env the process environment ({@code System.getenv()}); read for CI branch variables only */
    public GitProvenanceResolver(ExpLog log, Map<String, String> env) {
        this(log, env, LARGE_PATCH_BYTES);
    }

    GitProvenanceResolver(ExpLog log, Map<String, String> env, long largePatchBytes) {
        this.log = Objects.requireNonNull(log, "log");
        this.env = Map.copyOf(env);
        this.largePatchBytes = largePatchBytes;
    }

    /**
     * @param projectDir the project base dir; may be below the work tree root, or in no repository
     * @param buildDir   the project's build dir; nothing under it ever counts as a change
     * @param patchFile  where the patch goes when the tree is dirty (parent dirs created); when clean
     *                   no patch is written and a stale one from an earlier run is deleted. null: the
     *                   state only, no patch (for checks that only ask whether the tree is clean)
     */
    public GitProvenance resolve(Path projectDir, Path buildDir, Path patchFile) {
        Path project = projectDir.toAbsolutePath().normalize();
        try (Repository repo = RepositoryLocator.open(project)) {
            if (repo == null) {
                warnNoRepository(project);
                return GitProvenance.none(projectDir);
            }
            return resolve(repo, project, project.resolve(buildDir), patchFile);
        } catch (IOException | UncheckedIOException | JGitInternalException | NoWorkTreeException e) {
            throw new ExpError("Cannot read the git repository of " + project + ": " + e.getMessage(),
                    "Check that `git status` works in " + project + " and that the files under .git are readable.",
                    e);
        }
    }

    private GitProvenance resolve(Repository repo, Path project, Path buildDir, Path patchFile)
            throws IOException {
        WorkTreePaths paths = new WorkTreePaths(repo.getWorkTree().toPath());
        HeadState head = HeadState.read(repo, env);
        ObjectId commit = head.commit();
        List<Ref> tags = commit == null ? List.of() : TagInfo.peeledTags(repo);
        WorkTreeStatus.Result status = WorkTreeStatus.scan(repo, commit, excludedDir(paths, project, buildDir));
        PatchWriter.Written patch = writeOrClearPatch(repo, commit, status, patchFile);
        return new GitProvenance(true, paths.root().toString(), paths.relative(project),
                commit == null ? null : commit.name(), head.branch(), head.detached(), head.branchSource(),
                commit == null ? null : TagInfo.describe(repo, commit, tags),
                commit == null ? List.of() : TagInfo.atHead(tags, commit),
                RemoteUrl.of(repo.getConfig()), isShallow(repo), !status.isClean(), status.changes(),
                patch == null ? null : patch.sha256(), patch == null ? 0 : patch.bytes());
    }

    private static String excludedDir(WorkTreePaths paths, Path project, Path buildDir) throws IOException {
        String relative = paths.relativeBelow(project, buildDir);
        // A build dir outside the work tree cannot show up in it; one equal to the root would hide all.
        return relative == null || relative.isEmpty() ? null : relative;
    }

    private PatchWriter.Written writeOrClearPatch(Repository repo, ObjectId commit, WorkTreeStatus.Result status,
            Path patchFile) throws IOException {
        if (patchFile == null) {
            return null;
        }
        if (status.isClean()) {
            // A patch left by an earlier dirty run would describe code that did not run this time.
            Files.deleteIfExists(patchFile);
            return null;
        }
        PatchWriter.Written written;
        try {
            written = PatchWriter.write(repo, commit, status.index(), status.paths(), patchFile);
        } catch (IOException e) {
            throw new ExpError("Cannot write the patch of uncommitted changes to " + patchFile + ": " + e.getMessage(),
                    "Check that " + patchFile.toAbsolutePath().getParent() + " is writable and has free space, and "
                            + "that nothing changes the work tree while the build runs.", e);
        }
        log.debug("git: " + status.changes().count() + " uncommitted change(s), patch " + patchFile + " ("
                + written.bytes() + " bytes)");
        if (written.bytes() > largePatchBytes) {
            log.warn("The patch of uncommitted changes " + patchFile + " is " + (written.bytes() >> 20) + " MiB ("
                    + status.changes().untracked().size() + " untracked file(s) in it). Add large untracked files "
                    + "(data sets, checkpoints) to .gitignore, or commit the changes, to keep it small.");
        }
        return written;
    }

    private static boolean isShallow(Repository repo) throws IOException {
        return !repo.getObjectDatabase().getShallowCommits().isEmpty();
    }

    private void warnNoRepository(Path project) {
        log.warn("No git repository at or above " + project + ": the run will be recorded without git "
                + "provenance (no commit, no patch of uncommitted changes). To record which code ran, "
                + "run inside a git repository (`git init && git add -A && git commit -m init` in the project).");
    }
}
