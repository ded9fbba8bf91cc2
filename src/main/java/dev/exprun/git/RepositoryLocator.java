package dev.exprun.git;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache.FileKey;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * Finds the work tree a project dir belongs to, the way git does: the nearest ancestor holding a
 * {@code .git} directory, or a {@code .git} file ("gitdir: ...", as in linked worktrees and
 * submodules). JGit 7.8 follows such a gitdir's {@code commondir} itself, so a linked worktree opens
 * with its own HEAD and index and the main repository's objects, refs and config.
 */
final class RepositoryLocator {
    private static final String GITDIR_PREFIX = "gitdir:";

    private RepositoryLocator() {
    }

    /** The repository whose work tree holds projectDir; null when there is none. */
    static Repository open(Path projectDir) throws IOException {
        for (Path dir = projectDir; dir != null; dir = dir.getParent()) {
            File gitDir = gitDirOf(dir);
            if (gitDir != null) {
                return new FileRepositoryBuilder().setGitDir(gitDir).setWorkTree(dir.toFile())
                        .setMustExist(true).build();
            }
        }
        return null;
    }

    private static File gitDirOf(Path dir) throws IOException {
        Path dotGit = dir.resolve(".git");
        if (Files.isDirectory(dotGit)) {
            return FileKey.isGitRepository(dotGit.toFile(), FS.DETECTED) ? dotGit.toFile() : null;
        }
        if (!Files.isRegularFile(dotGit)) {
            return null;
        }
        String content = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
        if (!content.startsWith(GITDIR_PREFIX)) {
            return null;
        }
        Path target = dir.resolve(content.substring(GITDIR_PREFIX.length()).trim()).normalize();
        return FileKey.isGitRepository(target.toFile(), FS.DETECTED) ? target.toFile() : null;
    }
}
