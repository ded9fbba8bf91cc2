package dev.exprun.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.jgit.diff.DiffConfig;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.RenameDetector;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/** Renames staged in the index (HEAD vs index), found the way git status finds them (50% similarity). */
final class StagedRenames {
    private StagedRenames() {
    }

    /** @param headTree the HEAD commit's tree; null without commits */
    static List<GitRename> find(Repository repo, ObjectId headTree, DirCache index, Set<String> added,
            Set<String> removed) throws IOException {
        if (headTree == null || added.isEmpty() || removed.isEmpty()) {
            return List.of();
        }
        Set<String> paths = new TreeSet<>(added);
        paths.addAll(removed);
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(repo, reader)) {
            walk.setRecursive(true);
            walk.addTree(headTree);
            walk.addTree(new DirCacheIterator(index));
            walk.setFilter(PathFilterGroup.createFromStrings(paths));
            // Default diff settings, not the user's: status always detects renames.
            RenameDetector detector = new RenameDetector(reader, new Config().get(DiffConfig.KEY));
            detector.addAll(DiffEntry.scan(walk));
            return renamesIn(detector.compute());
        }
    }

    private static List<GitRename> renamesIn(List<DiffEntry> entries) {
        List<GitRename> renames = new ArrayList<>();
        for (DiffEntry entry : entries) {
            if (entry.getChangeType() == DiffEntry.ChangeType.RENAME) {
                renames.add(new GitRename(entry.getOldPath(), entry.getNewPath()));
            }
        }
        renames.sort(Comparator.comparing(GitRename::to));
        return renames;
    }
}
