package dev.exprun.branches;

import dev.exprun.core.ExternalProgram;
import dev.exprun.core.RemoteGit;
import dev.exprun.tagging.GitCredentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The remote side of an archive, through the git program (so the remote is reached as git reaches it). The tag and the
 * branch's deletion go in one atomic push: the remote gets both or neither. The deletion carries the archived commit as
 * the value the branch must still have ({@code --force-with-lease=<ref>:<commit>}), so a branch someone pushed to since
 * is not deleted; nothing is ever force-updated, and the tag is only ever created.
 */
final class RemoteBranches {
    /** What the push did: ok, or why not (git's words, the remote URL's credentials removed). */
    record Push(boolean ok, String detail) {
    }

    private final String remote;
    private final RemoteGit git;

    RemoteBranches(Path workTree, String remote, GitCredentials credentials) {
        this.remote = remote;
        this.git = GitCredentials.remoteGit(workTree, credentials);
    }

    String name() {
        return remote;
    }

    /** The commit or tag object the remote's ref points at; empty when it has none. Unreachable: RemoteGit.Unreachable. */
    Optional<String> lookup(String ref) {
        return git.remoteRef(remote, ref);
    }

    /** Pushes the tag and, when deleteBranch, deletes the branch if it is still at tip; all or nothing. */
    Push archive(String tagRef, String branchRef, String tip, boolean deleteBranch) {
        List<String> args = new ArrayList<>(List.of("push", "--porcelain", "--atomic"));
        if (deleteBranch) {
            args.add("--force-with-lease=" + branchRef + ":" + tip);
        }
        args.add(remote);
        args.add(tagRef + ":" + tagRef);
        if (deleteBranch) {
            args.add(":" + branchRef);
        }
        ExternalProgram.Result r = git.run(args.toArray(String[]::new));
        List<String> refused = new ArrayList<>();
        int done = 0;
        for (String line : r.outText().split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length >= 3 && (parts[1].equals(tagRef + ":" + tagRef) || parts[1].equals(":" + branchRef))) {
                if (parts[0].equals("*") || parts[0].equals("-")) {
                    done++;
                } else {
                    refused.add(parts[1] + " " + parts[2]);
                }
            }
        }
        boolean ok = r.exit() == 0 && refused.isEmpty() && done == (deleteBranch ? 2 : 1);
        return new Push(ok, git.redact((String.join("; ", refused) + "\n" + r.err()).strip()));
    }

    /** The same by hand, for messages. */
    String manual(String tagRef, String branchRef, String tip, boolean deleteBranch) {
        return "git push --atomic " + (deleteBranch ? "--force-with-lease=" + branchRef + ":" + tip + " " : "") + remote + " "
                + tagRef + (deleteBranch ? " :" + branchRef : "");
    }
}
