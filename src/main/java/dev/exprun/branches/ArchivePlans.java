package dev.exprun.branches;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.RemoteGit;
import dev.exprun.git.BranchGlob;
import dev.exprun.history.RunNotes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What exp:archive will do, decided before anything is written: the branches (one by name, or every one merged into
 * main), each one's run summary for its tag, and every reason to refuse, for every branch, here and on the remote. An
 * archive tag of our own on the same tip is an archive to finish, not a refusal.
 */
final class ArchivePlans {
    private final ExpLog log;

    ArchivePlans(ExpLog log) {
        this.log = log;
    }

    /** Why a branch is not archived, and what to do about it. */
    private record Refusal(String why, String fix) {
    }

    private static final String RENAME = "a name archived before stays archived (tags are never moved): rename the branch "
            + "(git branch -m OLD NEW) and archive that";

    List<ArchivePlan> plan(Repository repo, ArchiveRequest request, boolean named) throws IOException {
        BoardOptions selection = request.selection();
        ExperimentBranches branches = new ExperimentBranches(repo);
        ExperimentBranch main = branches.main(selection.mainBranch());
        List<ExperimentBranch> chosen = new ArrayList<>();
        try (BranchWalk walk = new BranchWalk(repo)) {
            if (named) {
                chosen.add(named(branches, request.branch().trim(), selection, main));
            } else {
                for (ExperimentBranch b : branches.list(selection.branchPattern())) {
                    if (!b.name().equals(main.name()) && walk.mergedInto(b.tip(), main.tip())) {
                        chosen.add(b);
                    }
                }
                if (chosen.isEmpty()) {
                    log.info("No experiment branch (" + selection.branchPattern() + ") is merged into " + main.name() + "; nothing to archive.");
                    return List.of();
                }
                log.info(chosen.size() + " experiment branch(es) merged into " + main.name() + ": "
                        + String.join(", ", chosen.stream().map(ExperimentBranch::name).toList()));
            }
            BranchRuns runs = new BranchRuns(new RunNotes(repo).readAll());
            Objective objective = Objective.resolve(selection.objective(), runs::metricNames, selection.higherIsBetter(),
                    selection.lowerIsBetter());
            List<ArchivePlan> plans = new ArrayList<>();
            for (ExperimentBranch b : chosen) {
                Optional<Path> checkedOut = CheckedOut.where(repo, Constants.R_HEADS + b.name());
                if (checkedOut.isPresent() && b.local()) {
                    if (named) {
                        throw new ExpFailure("The branch " + b.name() + " is checked out in " + checkedOut.get()
                                + ", so it cannot be deleted; nothing was archived.", "switch that work tree to another branch first (git switch "
                                + main.name() + ")");
                    }
                    log.warn("Not archiving " + b.name() + ": it is checked out in " + checkedOut.get() + " (switch to another branch first)");
                    continue;
                }
                BranchWalk.Distance d = walk.distance(main.tip(), b.tip());
                plans.add(new ArchivePlan(b, request.archivePrefix() + b.name(), BranchSummary.of(runs.of(b.name(), d.ahead()), objective),
                        objective, null));
            }
            return plans;
        }
    }

    private static ExperimentBranch named(ExperimentBranches branches, String name, BoardOptions selection, ExperimentBranch main) {
        ExperimentBranch b = branches.find(name).orElseThrow(() -> new ExpFailure("There is no branch " + name
                + " (neither local nor remote-tracking); nothing was archived.", "exp:board lists the experiment branches (git branch -a all of them)"));
        if (b.name().equals(main.name())) {
            throw new ExpFailure(name + " is the main branch; it is never archived.", "name an experiment branch");
        }
        if (!BranchGlob.matches(selection.branchPattern(), name)) {
            throw new ExpFailure("The branch " + name + " does not match the experiment branch pattern " + selection.branchPattern()
                    + "; only experiment branches are archived. Nothing was archived.",
                    "archive an experiment branch, or set <branchPattern> (-Dexp.branchPattern) to the pattern yours follow");
        }
        return b;
    }

    /** Every reason not to archive, for every branch, before anything is written. */
    List<ArchivePlan> refuseWhatCannotBeArchived(Repository repo, List<ArchivePlan> planned, RemoteBranches remote) throws IOException {
        List<ArchivePlan> plans = new ArrayList<>(planned);
        List<Refusal> refusals = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            ArchivePlan p = plans.get(i);
            if (!Repository.isValidRefName(p.tagRef())) {
                throw new ExpError("The archive tag name '" + p.tag() + "' is not a valid git tag name.",
                        "set <archivePrefix> (-Dexp.archivePrefix) to a prefix such as archive/");
            }
            if (!p.branch().local() && remote == null) {
                refusals.add(new Refusal(p.branch().name() + " exists only on a remote (" + p.branch().refName()
                        + "); archiving it deletes it there", "add -Dexp.push=true"));
                continue;
            }
            ObjectId existing = existingArchive(repo, p, refusals);
            plans.set(i, p = new ArchivePlan(p.branch(), p.tag(), p.runs(), p.objective(), existing));
            if (remote != null && refusals.isEmpty()) {
                remoteRefusal(p, remote).ifPresent(refusals::add);
            }
        }
        if (refusals.size() == 1) {
            throw new ExpFailure(refusals.get(0).why() + ". Nothing was archived.", refusals.get(0).fix());
        }
        if (!refusals.isEmpty()) {
            throw new ExpFailure("Nothing was archived:\n    " + String.join("\n    ", refusals.stream().map(Refusal::why).toList()),
                    String.join("; ", refusals.stream().map(Refusal::fix).distinct().toList()));
        }
        return plans;
    }

    /** Our own archive tag of this branch on its tip: the archive to finish. Any other tag of that name: a refusal. */
    private static ObjectId existingArchive(Repository repo, ArchivePlan p, List<Refusal> refusals) throws IOException {
        Ref ref = repo.exactRef(p.tagRef());
        if (ref == null) {
            return null;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevObject object = walk.parseAny(ref.getObjectId());
            if (object instanceof RevTag tag) {
                walk.parseBody(tag);
                if (walk.peel(tag).equals(p.branch().tip()) && ArchiveTag.branchOf(tag.getFullMessage()).filter(p.branch().name()::equals).isPresent()) {
                    return tag.getId();
                }
            }
            refusals.add(new Refusal("The tag " + p.tag() + " already exists (on " + walk.peel(object).name().substring(0, 10) + ", while "
                    + p.branch().name() + " is at " + p.branch().tip().name().substring(0, 10) + "); tags are never moved or overwritten", RENAME));
            return null;
        }
    }

    private static Optional<Refusal> remoteRefusal(ArchivePlan p, RemoteBranches remote) {
        try {
            Optional<String> tag = remote.lookup(p.tagRef());
            if (tag.isPresent() && (p.existingTag() == null || !tag.get().equals(p.existingTag().name()))) {
                return Optional.of(new Refusal("The remote " + remote.name() + " already has a tag " + p.tag() + " ("
                        + tag.get().substring(0, 10) + "); tags are never moved or overwritten", RENAME));
            }
            Optional<String> branch = remote.lookup(p.branchRef());
            if (branch.isPresent() && !branch.get().equals(p.branch().tip().name())) {
                return Optional.of(new Refusal(remote.name() + "'s " + p.branch().name() + " is at " + branch.get().substring(0, 10)
                        + ", not at the " + p.branch().tip().name().substring(0, 10) + " that would be archived",
                        "git fetch " + remote.name() + ", bring " + p.branch().name() + " up to date with it, then archive it"));
            }
            return Optional.empty();
        } catch (RemoteGit.Unreachable e) {
            throw new ExpError("Cannot reach the remote " + remote.name() + " to check " + p.branch().name() + " and " + p.tag()
                    + "; nothing was archived: " + e.getMessage(),
                    "check the network and the credentials (<gitServerId>, or git's own credential helper / ssh key), or archive without -Dexp.push");
        }
    }
}
