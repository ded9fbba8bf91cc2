package dev.exprun.tagging;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.RemoteGit;
import dev.exprun.gate.GateResult;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RunStatus;
import java.io.IOException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * exp:tag: an annotated tag on HEAD for a run that succeeded, passed its gates and ran on exactly
 * this clean commit. Tags are created, never moved, overwritten or recreated: the ref is only
 * written when it does not exist yet, so of two builds tagging the same name exactly one wins. The
 * remote is asked before anything is written, and the push never forces.
 */
public final class ModelTagger {
    private final ExpLog log;

    public ModelTagger(ExpLog log) {
        this.log = log;
    }

    public String tag(TagRequest request) {
        refuseUnlessTaggable(request);
        TagOptions options = request.options();
        try (Repository repo = new FileRepositoryBuilder().readEnvironment().findGitDir(request.baseDir().toFile())
                .setMustExist(true).build()) {
            if (repo.exactRef(Constants.R_TAGS + request.name()) != null) {
                throw exists(request.name());
            }
            RemoteTags remote = remote(repo, options);
            if (remote != null) {
                refuseIfRemoteHas(remote, request.name(), options);
            }
            ObjectId tagId = createLocal(repo, request, options);
            if (options.push()) {
                push(remote, request.name(), tagId);
            }
            return tagId.name();
        } catch (IOException e) {
            throw new ExpError("Cannot write the tag " + request.name() + ": " + e.getMessage(), "check the repository's permissions", e);
        }
    }

    private ObjectId createLocal(Repository repo, TagRequest request, TagOptions options) throws IOException {
        ObjectId commit = ObjectId.fromString(request.run().git().commit());
        PersonIdent tagger = new PersonIdent(repo);
        TagBuilder tag = new TagBuilder();
        tag.setTag(request.name());
        tag.setObjectId(commit, Constants.OBJ_COMMIT);
        tag.setTagger(tagger);
        tag.setMessage(TagAnnotation.write(request.run(), request.artifacts()));
        boolean sign = options.sign() != null ? options.sign() : repo.getConfig().getBoolean("tag", "gpgSign", false);
        if (sign) {
            TagSigner.sign(repo.getWorkTree().toPath(), repo.getConfig(), tag, tagger);
        }
        ObjectId tagId = AnnotatedTags.create(repo, tag, "exp:tag " + request.run().runId())
                .orElseThrow(() -> exists(request.name()));
        log.info("Tagged " + commit.name() + " as " + request.name() + " (annotated, " + (sign ? "signed, " : "") + "run "
                + request.run().runId() + ")");
        return tagId;
    }

    /** The remote to check and push to; null when there is none and nothing is to be pushed. */
    private RemoteTags remote(Repository repo, TagOptions options) {
        String name = options.remoteName();
        boolean known = repo.getConfig().getSubsections("remote").contains(name) || name.contains("/") || name.contains(":");
        if (!known) {
            if (options.push()) {
                throw new ExpError("There is no git remote '" + name + "' to push the tag to; nothing was tagged.",
                        "add it (git remote add " + name + " <url>) or name another one with <remote> (-Dexp.remote)");
            }
            log.debug("No git remote '" + name + "'; only local tags are checked");
            return null;
        }
        return new RemoteTags(repo.getWorkTree().toPath(), name, options.credentials());
    }

    private void refuseIfRemoteHas(RemoteTags remote, String name, TagOptions options) {
        try {
            remote.lookup(name).ifPresent(id -> {
                throw new ExpFailure("The tag " + name + " already exists on the remote " + options.remoteName() + " (" + id.substring(0, 12)
                        + "); tags are never moved or overwritten. Nothing was tagged.",
                        "choose a new name (-Dexp.tagName), e.g. with the next minor version; git fetch --tags shows the remote's");
            });
        } catch (RemoteGit.Unreachable e) {
            if (options.push()) {
                throw new ExpError("Cannot reach the remote " + options.remoteName() + " to check that it has no tag " + name
                        + "; nothing was tagged: " + e.getMessage(),
                        "check the network and the credentials (<gitServerId>, or git's own credential helper / ssh key)");
            }
            log.warn("Could not ask the remote " + options.remoteName() + " whether it has a tag " + name
                    + ", so only local tags were checked: " + e.getMessage());
        }
    }

    private void push(RemoteTags remote, String name, ObjectId tagId) {
        RemoteTags.Push pushed = remote.push(name);
        if (pushed.pushed()) {
            log.info("Pushed the tag " + name + " to " + remote.name());
            return;
        }
        if (pushed.remoteHasTag() || remoteHasOther(remote, name, tagId)) {
            throw new ExpFailure("The remote already has a tag " + name + " (made since the check); it was not overwritten. The local tag "
                    + name + " (" + tagId.name().substring(0, 12) + ") was not pushed: " + pushed.detail(),
                    "keep the remote's tag: delete the local one (git tag -d " + name + ") and tag this run under a new name");
        }
        throw new ExpError("The tag " + name + " was created locally, but pushing it failed: " + pushed.detail(),
                "push it by hand once the remote is reachable: " + remote.manualPush(name));
    }

    private void refuseUnlessTaggable(TagRequest request) {
        if (request.run().status() != RunStatus.SUCCEEDED) {
            throw new ExpFailure("Run " + request.run().runId() + " did not succeed (" + request.run().status().json()
                    + "); it is not tagged.", "tag a successful run");
        }
        if (!request.run().git().present() || request.run().git().dirty()) {
            throw new ExpFailure("Run " + request.run().runId() + " ran on " + (request.run().git().present() ? "a dirty tree" : "no git commit")
                    + "; a tag must name code that reproduces it.", "commit the changes, run again, then tag");
        }
        for (GateResult gate : request.gates()) {
            if (!gate.passed()) {
                throw new ExpFailure("The gate " + gate.gate().condition() + " did not pass for run " + request.run().runId()
                        + "; it is not tagged.", "run exp:verify to see every gate");
            }
        }
        GitProvenance now = currentState(request);
        if (now.dirty()) {
            throw new ExpFailure("The work tree has " + now.changes().count() + " uncommitted change(s); nothing is tagged:\n    "
                    + String.join("\n    ", now.changes().describeLines()), "commit or stash the changes");
        }
        if (!request.run().git().commit().equals(now.commit())) {
            throw new ExpFailure("HEAD is " + now.commit() + " but run " + request.run().runId() + " ran on "
                    + request.run().git().commit() + "; nothing is tagged.", "tag in the build that ran the training (mvn exp:run exp:verify exp:tag)");
        }
    }

    private static GitProvenance currentState(TagRequest request) {
        return new GitProvenanceResolver(ExpLog.NONE, request.hostEnvironment()).resolve(request.baseDir(), request.buildDir(), null);
    }

    /** Why a push failed is worded differently by each server; what the remote holds now is not. */
    private static boolean remoteHasOther(RemoteTags remote, String name, ObjectId tagId) {
        try {
            return remote.lookup(name).filter(id -> !id.equals(tagId.name())).isPresent();
        } catch (RemoteGit.Unreachable e) {
            return false;
        }
    }

    private static ExpFailure exists(String name) {
        return new ExpFailure("The tag " + name + " already exists; tags are never moved or overwritten.",
                "choose a new name (-Dexp.tagName), e.g. with the next minor version");
    }
}
