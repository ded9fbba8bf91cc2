package dev.exprun.branches;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.git.Repositories;
import dev.exprun.history.HistoryFormat;
import dev.exprun.tagging.AnnotatedTags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.TagBuilder;

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

    /** The archive tags made or finished (the dry run: those it would make). */
    public List<String> archive(ArchiveRequest request) {
        boolean named = request.branch() != null && !request.branch().isBlank();
        if (named == request.merged()) {
            throw new ExpError(named ? "Both a branch (-Dexp.branch=" + request.branch() + ") and -Dexp.merged=true are given."
                    : "No branch to archive is named.", "name one branch (-Dexp.branch=exp/NAME) or archive every experiment branch merged into "
                    + request.selection().mainBranch() + " (-Dexp.merged=true)");
        }
        try (Repository repo = Repositories.open(request.baseDir(), "exp:archive")) {
            ArchivePlans planner = new ArchivePlans(log);
            List<ArchivePlan> plans = planner.plan(repo, request, named);
            if (plans.isEmpty()) {
                return List.of();
            }
            RemoteBranches remote = request.push() ? remote(repo, request) : null;
            plans = planner.refuseWhatCannotBeArchived(repo, plans, remote);
            if (request.dryRun()) {
                plans.forEach(p -> log.info("Would archive " + p.branch().name() + " as " + p.tag() + " (" + describe(p) + "); -Dexp.dryRun=true: nothing was changed"));
                return plans.stream().map(ArchivePlan::tag).toList();
            }
            List<String> done = new ArrayList<>();
            for (ArchivePlan p : plans) {
                archiveOne(repo, p, remote, done);
                done.add(p.tag());
            }
            return done;
        } catch (IOException e) {
            throw new ExpError("Cannot archive in " + request.baseDir() + ": " + e.getMessage(),
                    "check that the repository is readable and writable (git fsck)", e);
        }
    }

    private void archiveOne(Repository repo, ArchivePlan p, RemoteBranches remote, List<String> done) throws IOException {
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

    private void createTag(Repository repo, ArchivePlan p) throws IOException {
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

    static String describe(ArchivePlan p) {
        BranchSummary s = p.runs();
        String best = s.best() == null ? "no successful run" : "best run " + s.best().runId()
                + (p.objective() == null || s.best().metrics() == null || s.best().metrics().get(p.objective().metric()) == null ? ""
                : " " + p.objective().metric() + "=" + HistoryFormat.readable(s.best().metrics().get(p.objective().metric())));
        return "tip " + p.branch().tip().name().substring(0, 10) + ", " + s.runs() + " run(s)" + (s.failed() > 0 ? ", " + s.failed() + " failed" : "")
                + ", " + best;
    }
}
