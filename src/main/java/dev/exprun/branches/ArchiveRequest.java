package dev.exprun.branches;

import dev.exprun.tagging.GitCredentials;
import java.nio.file.Path;

/**
 * exp:archive: one branch by name, or (merged) every experiment branch already merged into main; dryRun only lists.
 * The archive tag is archivePrefix + the branch's name ({@code archive/exp/dropout-0.3}). With push, the tag is pushed to
 * remote and the branch deleted there too.
 */
public record ArchiveRequest(Path baseDir, String branch, boolean merged, boolean dryRun, String archivePrefix,
                             BoardOptions selection, boolean push, String remote, GitCredentials credentials) {
    public static final String DEFAULT_PREFIX = "archive/";

    public ArchiveRequest {
        archivePrefix = archivePrefix == null || archivePrefix.isBlank() ? DEFAULT_PREFIX : archivePrefix.trim();
        remote = remote == null || remote.isBlank() ? "origin" : remote.trim();
    }
}
