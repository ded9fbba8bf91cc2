package dev.exprun.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.TreeWalk.OperationType;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.IndexDiffFilter;
import org.eclipse.jgit.treewalk.filter.SkipWorkTreeFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Index vs work tree: modified, missing, untracked and conflicted files. Dominated by one lstat() per
 * file, so large trees are cut into path ranges walked by several threads. A file whose stat data
 * matches its index entry is not read; racily clean entries are content-checked and refreshed in
 * memory only (the index file is never written).
 */
final class WorkTreeScan {
    /** Below this many index entries per thread, starting threads costs more than it saves. */
    private static final int MIN_ENTRIES_PER_SLICE = 4000;
    private static final int MAX_SLICES = 8;
    private static final int INDEX = 0;
    private static final int FILES = 1;

    record Result(Set<String> modified, Set<String> missing, Set<String> untracked, Set<String> conflicting) {
        static Result empty() {
            return new Result(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        }

        void addAll(Result other) {
            modified.addAll(other.modified);
            missing.addAll(other.missing);
            untracked.addAll(other.untracked);
            conflicting.addAll(other.conflicting);
        }
    }

    private WorkTreeScan() {
    }

    static Result scan(Repository repo, DirCache index, TreeFilter exclude) throws IOException {
        int slices = Math.min(Math.min(MAX_SLICES, Runtime.getRuntime().availableProcessors()),
                index.getEntryCount() / MIN_ENTRIES_PER_SLICE);
        return scan(repo, index, exclude, slices);
    }

    /** @param slices how many threads walk the tree; 1 walks it on the calling thread alone */
    static Result scan(Repository repo, DirCache index, TreeFilter exclude, int slices) throws IOException {
        List<PathRange> ranges = slices > 1 ? PathRange.split(index, slices) : List.of(PathRange.ALL);
        // Iterators are made here, on one thread: DirCacheIterator's constructor may build the
        // DirCache's tree structure, which is not safe to do concurrently.
        List<TreeWalk> walks = new ArrayList<>(ranges.size());
        for (PathRange range : ranges) {
            walks.add(walk(repo, index, exclude, range));
        }
        try {
            return walks.size() == 1 ? scan(walks.get(0)) : scanInParallel(walks);
        } finally {
            walks.forEach(TreeWalk::close);
        }
    }

    private static TreeWalk walk(Repository repo, DirCache index, TreeFilter exclude, PathRange range) {
        TreeWalk walk = new TreeWalk(repo);
        walk.setOperationType(OperationType.CHECKIN_OP); // content as git add would store it
        walk.setRecursive(true);
        walk.addTree(new DirCacheIterator(index));
        FileTreeIterator files = new FileTreeIterator(repo);
        walk.addTree(files);
        files.setDirCacheIterator(walk, INDEX);
        List<TreeFilter> filters = new ArrayList<>(4);
        if (exclude != null) {
            filters.add(exclude);
        }
        if (range != PathRange.ALL) {
            filters.add(range);
        }
        filters.add(new SkipWorkTreeFilter(INDEX));
        filters.add(new IndexDiffFilter(INDEX, FILES));
        walk.setFilter(AndTreeFilter.create(filters));
        return walk;
    }

    private static Result scanInParallel(List<TreeWalk> walks) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(walks.size() - 1, r -> {
            Thread thread = new Thread(r, "exprun-git-status");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Result>> others = new ArrayList<>();
            for (TreeWalk walk : walks.subList(1, walks.size())) {
                others.add(pool.submit(() -> scan(walk)));
            }
            Result all = scan(walks.get(0));
            for (Future<Result> other : others) {
                all.addAll(await(other));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Result await(Future<Result> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scanning the work tree", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    private static Result scan(TreeWalk walk) throws IOException {
        Result result = Result.empty();
        while (walk.next()) {
            record(walk, result);
        }
        return result;
    }

    private static void record(TreeWalk walk, Result result) throws IOException {
        DirCacheIterator indexed = walk.getTree(INDEX, DirCacheIterator.class);
        WorkingTreeIterator file = walk.getTree(FILES, WorkingTreeIterator.class);
        DirCacheEntry entry = indexed == null ? null : indexed.getDirCacheEntry();
        String path = walk.getPathString();
        if (entry != null && entry.getStage() > 0) {
            result.conflicting().add(path);
        } else if (FileMode.GITLINK.equals(walk.getRawMode(INDEX)) || FileMode.GITLINK.equals(walk.getRawMode(FILES))) {
            return; // submodules, and nested repositories, are not recorded
        } else if (entry == null) {
            result.untracked().add(path); // IndexDiffFilter has already dropped ignored files
        } else if (file == null) {
            result.missing().add(path);
        } else if (file.isModified(entry, true, walk.getObjectReader())) {
            result.modified().add(path);
        }
    }
}
