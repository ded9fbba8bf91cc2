package dev.exprun.tagging;

import dev.exprun.core.ExpError;
import dev.exprun.gate.Baseline;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Finds the model a release is compared with: an exp tag (an annotated tag whose message carries the
 * exprun JSON block), named or the newest one reachable from HEAD. Only tags are read, so this works
 * in a fresh clone that has the tags and nothing else.
 */
public final class BaselineTags {
    public static final String LATEST = "latest";

    private BaselineTags() {
    }

    /** The baseline; empty only for {@code latest} when no exp tag is reachable from HEAD yet. */
    public static Optional<Baseline> find(Path baseDir, String spec) {
        try (Repository repo = new FileRepositoryBuilder().readEnvironment().findGitDir(baseDir.toFile()).setMustExist(true).build();
             RevWalk walk = new RevWalk(repo)) {
            return LATEST.equals(spec.trim()) ? latest(repo, walk) : Optional.of(named(repo, walk, spec.trim()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ExpError("Cannot read the tags of the repository at " + baseDir + ": " + e.getMessage(),
                    "run the build inside a git repository with its tags (git fetch --tags)", e);
        }
    }

    private static Baseline named(Repository repo, RevWalk walk, String name) throws IOException {
        Ref ref = repo.exactRef(Constants.R_TAGS + name);
        if (ref == null) {
            throw new ExpError("The baseline tag " + name + " does not exist in this repository.",
                    "fetch it (git fetch --tags), name an existing exp tag, or use <baseline>latest</baseline>");
        }
        RevObject object = walk.parseAny(ref.getObjectId());
        if (!(object instanceof RevTag tag)) {
            throw new ExpError("The baseline tag " + name + " is a lightweight tag; it carries no metrics.",
                    "use a tag made by exp:tag (annotated, with the exprun JSON block)");
        }
        return read(walk, tag).orElseThrow(() -> new ExpError("The baseline tag " + name
                + " has no exprun JSON block in its message, so its metrics are unknown.", "use a tag made by exp:tag"));
    }

    private static Optional<Baseline> latest(Repository repo, RevWalk walk) throws IOException {
        ObjectId headId = repo.resolve(Constants.HEAD);
        return headId == null ? Optional.empty() : latestReachableFrom(repo, walk, headId);
    }

    /** The newest exp tag (by the tagger's date) whose commit is reachable from from; empty when none is. */
    public static Optional<Baseline> latestReachableFrom(Repository repo, RevWalk walk, ObjectId from) throws IOException {
        record Candidate(Baseline baseline, Instant when, ObjectId commit) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
            RevObject object = walk.parseAny(ref.getObjectId());
            if (object instanceof RevTag tag && tag.getTaggerIdent() != null) {
                read(walk, tag).ifPresent(b -> candidates.add(new Candidate(b, tag.getTaggerIdent().getWhenAsInstant(),
                        ObjectId.fromString(b.commit()))));
            }
        }
        // Newest first, so usually the first reachability check is the only one.
        candidates.sort(Comparator.comparing(Candidate::when).reversed().thenComparing(c -> c.baseline().tag()));
        RevCommit head = walk.parseCommit(from);
        for (Candidate c : candidates) {
            RevCommit tagged = walk.parseCommit(c.commit());
            if (walk.isMergedInto(tagged, head)) {
                return Optional.of(c.baseline());
            }
        }
        return Optional.empty();
    }

    private static Optional<Baseline> read(RevWalk walk, RevTag tag) throws IOException {
        walk.parseBody(tag);
        return ExpTags.parse(tag.getTagName(), tag.getObject().name(), tag.getFullMessage())
                .map(t -> new Baseline(t.name(), t.commit(), t.runId(), t.metrics()));
    }
}
