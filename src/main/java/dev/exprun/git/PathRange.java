package dev.exprun.git;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * A slice [from, to) of the work tree in path order, so several threads can each walk one slice:
 * git status lstat()s the work tree from several threads too (core.preloadIndex). A tree walk's path
 * order is byte order of the full paths, so a directory d holds exactly the paths in [d/, d0).
 */
final class PathRange extends TreeFilter {
    static final PathRange ALL = new PathRange(null, null);

    private final byte[] from; // inclusive; null: unbounded
    private final byte[] to;   // exclusive; null: unbounded

    private PathRange(byte[] from, byte[] to) {
        this.from = from;
        this.to = to;
    }

    /**
     * Up to {@code slices} ranges holding about as many index entries each. Boundaries are moved to the
     * start of the directory they fall in, so no leaf directory is listed by two threads.
     */
    static List<PathRange> split(DirCache index, int slices) {
        int count = index.getEntryCount();
        List<byte[]> bounds = new ArrayList<>();
        for (int k = 1; k < slices; k++) {
            byte[] bound = directoryStart(index.getEntry((int) ((long) k * count / slices)).getRawPath());
            if (bounds.isEmpty() || compare(bound, bound.length, bounds.get(bounds.size() - 1)) > 0) {
                bounds.add(bound);
            }
        }
        List<PathRange> ranges = new ArrayList<>(bounds.size() + 1);
        byte[] previous = null;
        for (byte[] bound : bounds) {
            ranges.add(new PathRange(previous, bound));
            previous = bound;
        }
        ranges.add(new PathRange(previous, null));
        return ranges;
    }

    private static byte[] directoryStart(byte[] path) {
        for (int i = path.length - 1; i >= 0; i--) {
            if (path[i] == '/') {
                return Arrays.copyOf(path, i + 1);
            }
        }
        return path;
    }

    @Override
    public boolean include(TreeWalk walker) {
        if (this == ALL) {
            return true;
        }
        byte[] path = walker.getRawPath();
        int length = path.length;
        if (!walker.isSubtree()) {
            return (from == null || compare(path, length, from) >= 0) && (to == null || compare(path, length, to) < 0);
        }
        // The subtree spans [path + "/", path + "0"): include it when that meets [from, to).
        byte[] extended = Arrays.copyOf(path, length + 1);
        extended[length] = '0';
        boolean endsAfterFrom = from == null || compare(extended, extended.length, from) > 0;
        extended[length] = '/';
        boolean startsBeforeTo = to == null || compare(extended, extended.length, to) < 0;
        return endsAfterFrom && startsBeforeTo;
    }

    private static int compare(byte[] a, int aLength, byte[] b) {
        return Arrays.compareUnsigned(a, 0, aLength, b, 0, b.length);
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
        return "RANGE[" + (from == null ? "" : new String(from, StandardCharsets.UTF_8)) + ", "
                + (to == null ? "" : new String(to, StandardCharsets.UTF_8)) + ")";
    }
}
