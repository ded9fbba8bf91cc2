package dev.exprun.history;

import dev.exprun.core.ExpError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What a user names a run by, for exp:compare and exp:reproduce: a run id (or a unique prefix of
 * one), a tag, or any commit-ish (HEAD, a branch, a sha). A tag or commit means the newest run
 * recorded on that commit.
 */
public final class RunRef {
    private RunRef() {
    }

    public static RunNote resolve(Repository repo, Map<String, List<RunNote>> notesByCommit, String ref) {
        if (ref == null || ref.isBlank()) {
            throw new ExpError("No run is named.", "name one by run id, tag or commit, e.g. -Dexp.ref=v1.0-prod-ready");
        }
        String r = ref.trim();
        List<RunNote> byId = new ArrayList<>();
        notesByCommit.values().forEach(runs -> runs.stream().filter(n -> n.runId().startsWith(r)).forEach(byId::add));
        if (byId.size() == 1) {
            return byId.get(0);
        }
        if (byId.size() > 1 && byId.stream().anyMatch(n -> n.runId().equals(r))) {
            return byId.stream().filter(n -> n.runId().equals(r)).findFirst().orElseThrow();
        }
        if (byId.size() > 1) {
            throw new ExpError("'" + r + "' matches " + byId.size() + " runs: " + byId.stream().map(RunNote::runId).limit(5).toList() + ".",
                    "give more of the run id");
        }
        String commit = commit(repo, r);
        List<RunNote> runs = notesByCommit.getOrDefault(commit, List.of());
        if (runs.isEmpty()) {
            throw new ExpError("No run is recorded on " + r + " (" + commit.substring(0, 12) + ").",
                    "run exp:history -Dexp.all=true to see the recorded runs; fetch others' runs with exp:fetch-runs");
        }
        return runs.stream().max(Comparator.comparing(n -> n.startedAt() == null ? "" : n.startedAt())).orElseThrow();
    }

    private static String commit(Repository repo, String ref) {
        try (RevWalk walk = new RevWalk(repo)) {
            ObjectId id = repo.resolve(ref);
            if (id == null) {
                throw new ExpError("'" + ref + "' is neither a recorded run id, nor a tag or commit of this repository.",
                        "use a run id from exp:history, a tag (git tag -l), or a commit");
            }
            RevCommit c = walk.parseCommit(id);
            return c.name();
        } catch (IOException e) {
            throw new ExpError("Cannot resolve '" + ref + "': " + e.getMessage(), "use a run id, tag or commit", e);
        }
    }
}
