package dev.exprun.tagging;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.GateResult;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RunStatus;
import java.io.IOException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * exp:tag: an annotated tag on HEAD for a run that succeeded, passed its gates and ran on exactly
 * this clean commit. Tags are created, never moved, overwritten or recreated: the ref is only
 * written when it does not exist yet, so of two builds tagging the same name exactly one wins.
 */
public final class ModelTagger {
    private final ExpLog log;

    public ModelTagger(ExpLog log) {
        this.log = log;
    }

    public String tag(TagRequest request) {
        refuseUnlessTaggable(request);
        String message = TagAnnotation.write(request.run(), request.artifacts());
        try (Repository repo = new FileRepositoryBuilder().readEnvironment().findGitDir(request.baseDir().toFile())
                .setMustExist(true).build()) {
            String ref = Constants.R_TAGS + request.name();
            if (repo.exactRef(ref) != null) {
                throw exists(request.name());
            }
            ObjectId commit = ObjectId.fromString(request.run().git().commit());
            TagBuilder tag = new TagBuilder();
            tag.setTag(request.name());
            tag.setObjectId(commit, Constants.OBJ_COMMIT);
            tag.setTagger(new PersonIdent(repo));
            tag.setMessage(message);
            ObjectId tagId;
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                tagId = inserter.insert(tag);
                inserter.flush();
            }
            RefUpdate update = repo.updateRef(ref);
            update.setNewObjectId(tagId);
            update.setExpectedOldObjectId(ObjectId.zeroId()); // create only: never move an existing tag
            update.setRefLogMessage("exp:tag " + request.run().runId(), false);
            RefUpdate.Result result = update.update();
            if (result != RefUpdate.Result.NEW) {
                throw exists(request.name());
            }
            log.info("Tagged " + commit.name() + " as " + request.name() + " (annotated, run " + request.run().runId() + ")");
            return tagId.name();
        } catch (IOException e) {
            throw new ExpError("Cannot write the tag " + request.name() + ": " + e.getMessage(), "check the repository's permissions", e);
        }
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

    private static ExpFailure exists(String name) {
        return new ExpFailure("The tag " + name + " already exists; tags are never moved or overwritten.",
                "choose a new name (-Dexp.tagName), e.g. with the next minor version");
    }
}
