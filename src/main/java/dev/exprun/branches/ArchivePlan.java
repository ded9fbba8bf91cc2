package dev.exprun.branches;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/** One branch to archive: its summary for the tag, and a tag of ours already on its tip (an archive to finish), else null. */
record ArchivePlan(ExperimentBranch branch, String tag, BranchSummary runs, Objective objective, ObjectId existingTag) {
    String tagRef() {
        return Constants.R_TAGS + tag;
    }

    String branchRef() {
        return Constants.R_HEADS + branch.name();
    }
}
