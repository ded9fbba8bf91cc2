package dev.exprun.git;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.TreeWalk.OperationType;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * Writes the one patch that turns a clean checkout of HEAD into the current work tree (staged and
 * unstaged changes, untracked files, deletions, binaries, modes) and that {@code git apply} accepts.
 * Only the paths the status pass found are walked, so a large clean part of the tree costs nothing.
 */
final class PatchWriter {
    /** The written patch. */
    record Written(String sha256, long bytes) {
    }

    private static final int HEAD = 0;
    private static final int INDEX = 1;
    private static final int FILES = 2;

    private PatchWriter() {
    }

    /** @param head the commit the patch applies to; null (no commits yet) writes it against the empty tree */
    static Written write(Repository repo, ObjectId head, DirCache index, Set<String> paths, Path patchFile)
            throws IOException {
        Path parent = patchFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Written aside and moved in place, so a failed run never leaves half a patch under the real name.
        Path partial = Files.createTempFile(parent, patchFile.getFileName().toString(), ".partial");
        try {
            Written written;
            try (HashingOutputStream out = new HashingOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(partial), 64 * 1024))) {
                writeEntries(repo, head, index, paths, out);
                out.flush();
                written = new Written(out.sha256Hex(), out.count());
            }
            moveInPlace(partial, patchFile);
            return written;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void writeEntries(Repository repo, ObjectId head, DirCache index, Set<String> paths,
            OutputStream out) throws IOException {
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(repo, reader)) {
            walk.setOperationType(OperationType.CHECKIN_OP); // content as git add would store it
            walk.setRecursive(true);
            walk.addTree(headTree(reader, head));
            walk.addTree(new DirCacheIterator(index));
            FileTreeIterator files = new FileTreeIterator(repo);
            // The walk is limited to changed paths, so entering ignored dirs costs nothing; it finds a
            // file there that was dropped from the index but is still on disk.
            files.setWalkIgnoredDirectories(true);
            walk.addTree(files);
            files.setDirCacheIterator(walk, INDEX);
            walk.setFilter(PathFilterGroup.createFromStrings(paths));
            FilePatch patch = new FilePatch(out, reader);
            while (walk.next()) {
                writeEntry(walk, patch);
            }
        }
    }

    private static void writeEntry(TreeWalk walk, FilePatch patch) throws IOException {
        WorkingTreeIterator file = walk.getTree(FILES, WorkingTreeIterator.class);
        FileMode oldMode = walk.getFileMode(HEAD);
        // With core.fileMode=false the index keeps the mode the file system cannot show.
        FileMode newMode = file == null ? FileMode.MISSING : file.getIndexFileMode(
                walk.getTree(INDEX, DirCacheIterator.class));
        if (FileMode.GITLINK.equals(oldMode.getBits()) || FileMode.GITLINK.equals(newMode.getBits())) {
            return; // submodules are not part of the recorded tree
        }
        patch.write(walk.getRawPath(), oldMode, walk.getObjectId(HEAD), newMode, file);
    }

    private static AbstractTreeIterator headTree(ObjectReader reader, ObjectId head)
            throws IOException {
        if (head == null) {
            return new EmptyTreeIterator();
        }
        try (RevWalk revWalk = new RevWalk(reader)) {
            return new CanonicalTreeParser(null, reader, revWalk.parseCommit(head).getTree());
        }
    }

    private static void moveInPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
