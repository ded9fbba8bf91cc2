package dev.exprun.git;

import java.nio.charset.StandardCharsets;

import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Drops one directory (the build dir) and everything under it from a tree walk, so the walk never
 * descends into it: build output must never count as a change, whether or not .gitignore lists it.
 */
final class ExcludedDirFilter extends TreeFilter {
    private final byte[] path;

    /** @param path work-tree-relative, '/'-separated, no trailing '/' */
    ExcludedDirFilter(String path) {
        this.path = path.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean include(TreeWalk walker) {
        // isPathPrefix is 0 for the dir itself, entries under it, and its parent dirs; parents are shorter.
        return walker.isPathPrefix(path, path.length) != 0 || walker.getPathLength() < path.length;
    }

    @Override
    public boolean shouldBeRecursive() {
        return false;
    }

    @Override
    public TreeFilter clone() {
        return this;
    }

    @Override
    public String toString() {
        return "EXCLUDE(" + new String(path, StandardCharsets.UTF_8) + ")";
    }
}
