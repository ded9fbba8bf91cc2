package dev.exprun.git;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The uncommitted state of a work tree, listed like {@code git status --porcelain --untracked-files=all}
 * but split by kind. Paths are relative to the work tree, '/'-separated and sorted.
 */
public record GitChanges(List<String> modified, List<String> staged, List<String> deleted,
        List<GitRename> renamed, List<String> untracked) {

    public GitChanges {
        modified = List.copyOf(modified);
        staged = List.copyOf(staged);
        deleted = List.copyOf(deleted);
        renamed = List.copyOf(renamed);
        untracked = List.copyOf(untracked);
    }

    public static GitChanges none() {
        return new GitChanges(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    // Not a record component: without this, Jackson's is-getter rule writes "empty" into run records.
    @JsonIgnore
    public boolean isEmpty() {
        return count() == 0;
    }

    public int count() {
        return modified.size() + staged.size() + deleted.size() + renamed.size() + untracked.size();
    }

    /** One line per change, e.g. {@code "modified: src/a.py"}, for printing. */
    public List<String> describeLines() {
        List<String> lines = new ArrayList<>(count());
        staged.forEach(p -> lines.add("staged: " + p));
        modified.forEach(p -> lines.add("modified: " + p));
        deleted.forEach(p -> lines.add("deleted: " + p));
        renamed.forEach(r -> lines.add("renamed: " + r.from() + " -> " + r.to()));
        untracked.forEach(p -> lines.add("untracked: " + p));
        return lines;
    }
}
