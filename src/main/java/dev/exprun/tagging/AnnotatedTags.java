package dev.exprun.tagging;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;

/**
 * Writes an annotated tag, create-only: the ref is written only when it does not exist, so of two builds making the
 * same name exactly one wins and no tag is ever moved. exp:tag and exp:archive both go through here.
 */
public final class AnnotatedTags {
    private AnnotatedTags() {
    }

    /** The new tag object's id; empty when the name exists (nothing was written to the ref). */
    public static Optional<ObjectId> create(Repository repo, TagBuilder tag, String reflogMessage) throws IOException {
        ObjectId tagId;
        try (ObjectInserter inserter = repo.newObjectInserter()) {
            tagId = inserter.insert(tag);
            inserter.flush();
        }
        RefUpdate update = repo.updateRef(Constants.R_TAGS + tag.getTag());
        update.setNewObjectId(tagId);
        update.setExpectedOldObjectId(ObjectId.zeroId()); // create only: never move an existing tag
        update.setRefLogMessage(reflogMessage, false);
        return update.update() == RefUpdate.Result.NEW ? Optional.of(tagId) : Optional.empty();
    }
}
