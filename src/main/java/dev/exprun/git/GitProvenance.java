package dev.exprun.git;

import java.nio.file.Path;
import java.util.List;

/**
 * Which code a run used: the commit, where it came from, and the uncommitted changes on top of it.
 *
 * @param present      false when the project is in no git repository; every other field is then empty
 * @param workTree     absolute path of the work tree root
 * @param projectPath  the project dir relative to the work tree, "" for the root, '/'-separated
 * @param commit       full sha of HEAD; null in a repository without commits
 * @param branch       short branch name; on a detached HEAD the CI branch, or null
 * @param detached     HEAD is not on a branch
 * @param branchSource "HEAD", or "env:VAR" when the branch came from a CI variable; null when no branch
 * @param describe     like {@code git describe --tags --always}; null without commits
 * @param tagsAtHead   tags whose peeled target is HEAD, sorted by name
 * @param remoteUrl    origin's URL (or the first remote's), without credentials; null when no remote
 * @param shallow      the repository is a shallow clone
 * @param dirty        the work tree differs from HEAD (any entry in {@code changes})
 * @param changes      the uncommitted changes, build dir excluded
 * @param patchSha256  sha256 of the patch written for a dirty tree; null when clean
 * @param patchBytes   size of that patch; 0 when clean
 */
public record GitProvenance(boolean present, String workTree, String projectPath, String commit, String branch,
        boolean detached, String branchSource, String describe, List<GitTag> tagsAtHead, String remoteUrl,
        boolean shallow, boolean dirty, GitChanges changes, String patchSha256, long patchBytes) {

    public GitProvenance {
        tagsAtHead = List.copyOf(tagsAtHead);
    }

    /** Provenance of a project outside any git repository. */
    public static GitProvenance none(Path projectDir) {
        return new GitProvenance(false, null, null, null, null, false, null, null, List.of(), null,
                false, false, GitChanges.none(), null, 0);
    }
}
