package dev.exprun.git;

import java.io.IOException;
import java.util.Map;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * What HEAD points at. On a detached HEAD (how most CI systems check out) the branch comes from the
 * CI's environment, and {@code branchSource} says which variable.
 *
 * @param commit null in a repository without commits (HEAD names an unborn branch)
 */
record HeadState(ObjectId commit, String branch, boolean detached, String branchSource) {

    static HeadState read(Repository repo, Map<String, String> env) throws IOException {
        Ref head = repo.exactRef(Constants.HEAD);
        if (head == null) {
            return new HeadState(null, null, false, null);
        }
        if (head.isSymbolic()) {
            String branch = Repository.shortenRefName(head.getTarget().getName());
            return new HeadState(head.getObjectId(), branch, false, "HEAD");
        }
        CiBranch.Found ci = CiBranch.find(env);
        return ci == null
                ? new HeadState(head.getObjectId(), null, true, null)
                : new HeadState(head.getObjectId(), ci.branch(), true, "env:" + ci.variable());
    }
}
