package dev.exprun.branches;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.git.BranchGlob;
import dev.exprun.git.Repositories;
import dev.exprun.history.HistoryFormat;
import dev.exprun.history.RunNotes;
import dev.exprun.tagging.AnnotatedTags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * exp:archive: closes experiment branches without losing them. Each gets an annotated tag {@code archive/<branch>} on its
 * tip with its run summary (so its commits, and with them its runs' notes, stay reachable), then the branch is deleted
 * locally and, with push, on the remote. Every refusal is checked for every branch before anything is written; a tag
 * left by an archive that stopped half-way (push failed) is recognised and the archive finished, never made twice.
 */
public final class BranchArchiver {
    private final ExpLog log;

    public BranchArchiver(ExpLog log) {
        this.log = log;
    }

    /** One branch to archive: its summary for the tag, and a tag of ours already on its tip (an archive to finish), else null. */
    private record Plan(ExperimentBranch branch, String tag, BranchSummary runs, Objective objective, ObjectId existingTag) {
        String tagRef() {
            return Constants.R_TAGS + tag;
        }

        String branchRef() {
            return Constants.R_HEADS + branch.name();
        }
    }

    /** Why a branch is not archived, and what to do about it. */
    private record Refusal(String why, String fix) {
    }

    private static final String RENAME = "a name archived before stays archived (tags are never moved): rename the branch "
            + "(git branch -m OLD NEW) and archive that";

    /** The archive tags made or finished (the dry run: those it would make). */
    public List<String> archive(ArchiveRequest request) {
        boolean named = request.branch() != null && !request.branch().isBlank();
        if (named == request.merged()) {
            throw new ExpError(named ? "Both a branch (-Dexp.branch=" + request.branch() + ") and -Dexp.merged=true are given."
                    : "No branch to archive is named.", "name one branch (-Dexp.branch=exp/NAME) or archive every experiment branch merged into "
                    + request.selection().mainBranch() + " (-Dexp.merged=true)");
        }
        try (Repository repo = Repositories.open(request.baseDir(), "exp:archive")) {
            List<Plan> plans = plan(repo, request, named);
            if (plans.isEmpty()) {
                return List.of();
            }
            RemoteBranches remote = request.push() ? remote(repo, request) : null;
            refuseWhatCannotBeArchived(repo, request, plans, remote);
            if (request.dryRun()) {
                plans.forEach(p -> log.info("Would archive " + p.branch().name() + " as " + p.tag() + " (" + describe(p) + "); -Dexp.dryRun=true: nothing was changed"));
                return plans.stream().map(Plan::tag).toList();
            }
            List<String> done = new ArrayList<>();
            for (Plan p : plans) {
                archiveOne(repo, p, remote, done);
                done.add(p.tag());
            }
            return done;
        } catch (IOException e) {
            throw new ExpError("Cannot archive in " + request.baseDir() + ": " + e.getMessage(),
                    "check that the repository is readable and writable (git fsck)", e);
        }
    }

    private List<Plan> plan(Repository repo, ArchiveRequest request, boolean named) throws IOException {
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
            List<Plan> plans = new ArrayList<>();
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
                plans.add(new Plan(b, request.archivePrefix() + b.name(), BranchSummary.of(runs.of(b.name(), d.ahead()), objective),
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
    private void refuseWhatCannotBeArchived(Repository repo, ArchiveRequest request, List<Plan> plans, RemoteBranches remote) throws IOException {
        List<Refusal> refusals = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
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
            plans.set(i, p = new Plan(p.branch(), p.tag(), p.runs(), p.objective(), existing));
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
    }

    /** Our own archive tag of this branch on its tip: the archive to finish. Any other tag of that name: a refusal. */
    private static ObjectId existingArchive(Repository repo, Plan p, List<Refusal> refusals) throws IOException {
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

    private static Optional<Refusal> remoteRefusal(Plan p, RemoteBranches remote) {
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
        } catch (RemoteBranches.Unreachable e) {
            throw new ExpError("Cannot reach the remote " + remote.name() + " to check " + p.branch().name() + " and " + p.tag()
                    + "; nothing was archived: " + e.getMessage(),
                    "check the network and the credentials (<gitServerId>, or git's own credential helper / ssh key), or archive without -Dexp.push");
        }
    }

    private void archiveOne(Repository repo, Plan p, RemoteBranches remote, List<String> done) throws IOException {
        ExperimentBranch b = p.branch();
        if (p.existingTag() == null) {
            createTag(repo, p);
            log.info("Archived " + b.name() + " as " + p.tag() + " (" + describe(p) + ")");
        } else {
            log.info("The tag " + p.tag() + " already archives " + b.name() + " at " + b.tip().name().substring(0, 10) + "; finishing that archive");
        }
        if (remote != null) {
            boolean onRemote = remote.lookup(p.branchRef()).isPresent();
            RemoteBranches.Push pushed = remote.archive(p.tagRef(), p.branchRef(), b.tip().name(), onRemote);
            if (!pushed.ok()) {
                throw new ExpError("The tag " + p.tag() + " was made locally, but the push to " + remote.name() + " failed, so "
                        + b.name() + " was not deleted" + (done.isEmpty() ? "" : " (archived before it: " + String.join(", ", done) + ")")
                        + ": " + pushed.detail(), "once the remote is reachable, run exp:archive again: it finishes the archive ("
                        + remote.manual(p.tagRef(), p.branchRef(), b.tip().name(), onRemote) + " does the push by hand)");
            }
            log.info("Pushed " + p.tag() + " to " + remote.name() + (onRemote ? " and deleted " + b.name() + " there" : ""));
        }
        if (b.local()) {
            deleteLocal(repo, b);
        } else if (remote == null) {
            log.warn(b.name() + " is still on its remote");
        }
    }

    private void createTag(Repository repo, Plan p) throws IOException {
        TagBuilder tag = new TagBuilder();
        tag.setTag(p.tag());
        tag.setObjectId(p.branch().tip(), Constants.OBJ_COMMIT);
        tag.setTagger(new PersonIdent(repo));
        tag.setMessage(ArchiveTag.message(p.branch(), p.runs(), p.objective()));
        if (AnnotatedTags.create(repo, tag, "exp:archive " + p.branch().name()).isEmpty()) {
            throw new ExpFailure("The tag " + p.tag() + " was made by someone else meanwhile; " + p.branch().name() + " was not deleted.",
                    "look at it (git show " + p.tag() + ") and run exp:archive again");
        }
    }

    /** Deletes the branch only if it is still at the archived tip, and its upstream settings with it (as git branch -d does). */
    private void deleteLocal(Repository repo, ExperimentBranch b) throws IOException {
        RefUpdate delete = repo.updateRef(b.refName());
        delete.setExpectedOldObjectId(b.tip());
        delete.setForceUpdate(true); // an unmerged branch is deleted on purpose: the archive tag keeps its commits
        delete.setRefLogMessage("exp:archive", false);
        RefUpdate.Result result = delete.delete();
        if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NO_CHANGE) {
            throw new ExpError("The tag was made, but the branch " + b.name() + " could not be deleted (" + result + "): it moved or is locked.",
                    "look at it (git log " + b.name() + "), then run exp:archive again, or delete it by hand (git branch -D " + b.name() + ")");
        }
        StoredConfig config = repo.getConfig();
        if (config.getSubsections("branch").contains(b.name())) {
            config.unsetSection("branch", b.name());
            config.save();
        }
        log.info("Deleted the branch " + b.name() + " (was " + b.tip().name().substring(0, 10) + ")");
    }

    private RemoteBranches remote(Repository repo, ArchiveRequest request) {
        String name = request.remote();
        if (!repo.getRemoteNames().contains(name) && !name.contains("/") && !name.contains(":")) {
            throw new ExpError("There is no git remote '" + name + "' to push the archive to; nothing was archived.",
                    "add it (git remote add " + name + " <url>), name another with <remote> (-Dexp.remote), or archive without -Dexp.push");
        }
        return new RemoteBranches(repo.getWorkTree().toPath(), name, request.credentials());
    }

    private static String describe(Plan p) {
        BranchSummary s = p.runs();
        String best = s.best() == null ? "no successful run" : "best run " + s.best().runId()
                + (p.objective() == null || s.best().metrics() == null || s.best().metrics().get(p.objective().metric()) == null ? ""
                : " " + p.objective().metric() + "=" + HistoryFormat.readable(s.best().metrics().get(p.objective().metric())));
        return "tip " + p.branch().tip().name().substring(0, 10) + ", " + s.runs() + " run(s)" + (s.failed() > 0 ? ", " + s.failed() + " failed" : "")
                + ", " + best;
    }
}
