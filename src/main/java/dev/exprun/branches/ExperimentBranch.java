package dev.exprun.branches;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * An experiment branch by its short name ({@code exp/dropout-0.3}), the ref it was read from (the local branch, else a
 * remote-tracking one such as {@code refs/remotes/origin/exp/dropout-0.3}) and that ref's commit.
 */
public record ExperimentBranch(String name, String refName, ObjectId tip) {

    public boolean local() {
        return refName.startsWith(Constants.R_HEADS);
    }

    /** Where the row came from, for the board: {@code local} or the remote's name. */
    public String where() {
        if (local()) {
            return "local";
        }
        String rest = refName.substring(Constants.R_REMOTES.length());
        return rest.substring(0, rest.length() - name.length() - 1);
    }
}
