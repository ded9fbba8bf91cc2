package dev.exprun.branches;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Where a branch stands against main, as {@code git rev-list --left-right --count main...exp/x} and
 * {@code git diff --name-only main...exp/x} say: its own commits, main's commits it lacks, and the files it changed
 * since the merge base. One walker reused for every branch; bodies are not kept, since only ids and trees are read.
 */
final class BranchWalk implements AutoCloseable {
    /** ahead: the branch's own commits (newest first); behind: main's commits it lacks; filesChanged: since the merge base. */
    record Distance(List<String> ahead, int behind, int filesChanged) {
    }

    private final ObjectReader reader;
    private final RevWalk walk;

    BranchWalk(Repository repo) {
        this.reader = repo.newObjectReader();
        this.walk = new RevWalk(reader);
        walk.setRetainBody(false);
    }

    Distance distance(ObjectId main, ObjectId tip) throws IOException {
        List<String> ahead = commits(tip, main);
        int behind = commits(main, tip).size();
        return new Distance(ahead, behind, ahead.isEmpty() ? 0 : filesChanged(main, tip));
    }

    /** Every commit reachable from start; for main's own runs. */
    List<String> history(ObjectId start) throws IOException {
        return commits(start, null);
    }

    /** Whether tip is contained in main (merged, or never moved past it). */
    boolean mergedInto(ObjectId tip, ObjectId main) throws IOException {
        walk.reset();
        walk.setRevFilter(RevFilter.ALL);
        return walk.isMergedInto(walk.parseCommit(tip), walk.parseCommit(main));
    }

    private List<String> commits(ObjectId from, ObjectId notIn) throws IOException {
        walk.reset();
        walk.setRevFilter(RevFilter.ALL);
        walk.markStart(walk.parseCommit(from));
        if (notIn != null) {
            walk.markUninteresting(walk.parseCommit(notIn));
        }
        List<String> ids = new ArrayList<>();
        for (RevCommit c : walk) {
            ids.add(c.name());
        }
        return ids;
    }

    private int filesChanged(ObjectId main, ObjectId tip) throws IOException {
        walk.reset();
        walk.setRevFilter(RevFilter.MERGE_BASE);
        walk.markStart(walk.parseCommit(main));
        walk.markStart(walk.parseCommit(tip));
        RevCommit base = walk.next();
        walk.reset();
        walk.setRevFilter(RevFilter.ALL);
        RevCommit tipCommit = walk.parseCommit(tip);
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            if (base == null) {
                tw.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
            } else {
                tw.addTree(walk.parseCommit(base).getTree());
            }
            tw.addTree(tipCommit.getTree());
            int n = 0;
            while (tw.next()) {
                n++;
            }
            return n;
        }
    }

    @Override
    public void close() {
        walk.close();
        reader.close();
    }
}
