package dev.exprun.git;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * HEAD vs index: what is staged. A directory whose index cache-tree id equals its HEAD tree id is
 * skipped whole (TreeFilter.ANY_DIFF), so an unchanged index costs almost nothing, as in git.
 */
final class StagedScan {
    record Result(Set<String> added, Set<String> changed, Set<String> removed) {
    }

    private StagedScan() {
    }

    /** @param headTree null in a repository without commits */
    static Result scan(ObjectReader reader, ObjectId headTree, DirCacheIterator index, TreeFilter exclude)
            throws IOException {
        Result result = new Result(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        try (TreeWalk walk = new TreeWalk(null, reader)) {
            walk.setRecursive(true);
            walk.addTree(tree(reader, headTree));
            walk.addTree(index);
            walk.setFilter(exclude == null ? TreeFilter.ANY_DIFF : AndTreeFilter.create(exclude, TreeFilter.ANY_DIFF));
            while (walk.next()) {
                record(walk, result);
            }
        }
        return result;
    }

    private static void record(TreeWalk walk, Result result) {
        DirCacheIterator index = walk.getTree(1, DirCacheIterator.class);
        if (index != null && index.getDirCacheEntry() != null && index.getDirCacheEntry().getStage() > 0) {
            return; // a conflict: reported by the work tree scan
        }
        int headMode = walk.getRawMode(0);
        int indexMode = walk.getRawMode(1);
        if (FileMode.GITLINK.equals(headMode) || FileMode.GITLINK.equals(indexMode)) {
            return; // submodules are not recorded
        }
        String path = walk.getPathString();
        if (headMode == 0) {
            result.added().add(path);
        } else if (indexMode == 0) {
            result.removed().add(path);
        } else {
            result.changed().add(path);
        }
    }

    private static AbstractTreeIterator tree(ObjectReader reader, ObjectId tree) throws IOException {
        return tree == null ? new EmptyTreeIterator() : new CanonicalTreeParser(null, reader, tree);
    }
}
