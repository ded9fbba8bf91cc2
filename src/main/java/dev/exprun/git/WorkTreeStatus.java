package dev.exprun.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * One status pass, like {@code git status --porcelain --untracked-files=all}: HEAD vs index (staged)
 * and index vs work tree (modified, deleted, untracked), reading the index once. Read-only.
 * Submodules and nested repositories are left out; so is the excluded (build) dir.
 */
final class WorkTreeStatus {
    /**
     * The changes, plus every path they name: the patch is written for exactly these paths.
     *
     * @param index the index as read for this pass, reused for the patch
     */
    record Result(GitChanges changes, Set<String> paths, DirCache index) {
        boolean isClean() {
            return paths.isEmpty();
        }
    }

    private WorkTreeStatus() {
    }

    /**
     * @param head        the commit to compare with; null in a repository without commits, where every
     *                    indexed file is staged and every other file untracked, as git status shows it
     * @param excludedDir work-tree-relative build dir to leave out, or null
     */
    static Result scan(Repository repo, ObjectId head, String excludedDir) throws IOException {
        DirCache index = repo.readDirCache();
        TreeFilter exclude = excludedDir == null ? null : new ExcludedDirFilter(excludedDir);
        StagedScan.Result staged;
        ObjectId headTree;
        try (ObjectReader reader = repo.newObjectReader()) {
            headTree = head == null ? null : treeOf(reader, head);
            staged = StagedScan.scan(reader, headTree, new DirCacheIterator(index), exclude);
        }
        WorkTreeScan.Result files = WorkTreeScan.scan(repo, index, exclude);
        List<GitRename> renames = StagedRenames.find(repo, headTree, index, staged.added(), staged.removed());
        return toResult(staged, files, renames, index);
    }

    private static ObjectId treeOf(ObjectReader reader, ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(reader)) {
            return walk.parseCommit(commit).getTree();
        }
    }

    private static Result toResult(StagedScan.Result staged, WorkTreeScan.Result files, List<GitRename> renames,
            DirCache index) {
        Set<String> stagedPaths = union(staged.added(), staged.changed());
        Set<String> deleted = union(staged.removed(), files.missing());
        for (GitRename rename : renames) {
            stagedPaths.remove(rename.to());
            deleted.remove(rename.from());
        }
        // A conflicted path has no stage-0 entry; its file is what differs, so it counts as modified.
        Set<String> modified = union(files.modified(), files.conflicting());
        GitChanges changes = new GitChanges(new ArrayList<>(modified), new ArrayList<>(stagedPaths),
                new ArrayList<>(deleted), renames, new ArrayList<>(files.untracked()));
        Set<String> paths = union(modified, stagedPaths, deleted, files.untracked());
        renames.forEach(r -> {
            paths.add(r.from());
            paths.add(r.to());
        });
        return new Result(changes, paths, index);
    }

    @SafeVarargs
    private static Set<String> union(Collection<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Collection<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
