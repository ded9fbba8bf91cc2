package dev.exprun.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/** Tags at HEAD, and {@code git describe --tags --always}. */
final class TagInfo {
    static final int ABBREV = 7;
    private static final Pattern DESCRIBED = Pattern.compile("(.+)(-\\d+-g[0-9a-f]+)");

    private TagInfo() {
    }

    /** Peeled tags sorted by name, read once for both the tags at HEAD and describe. */
    static List<Ref> peeledTags(Repository repo) throws IOException {
        RefDatabase refs = repo.getRefDatabase();
        List<Ref> peeled = new ArrayList<>();
        for (Ref ref : refs.getRefsByPrefix(Constants.R_TAGS)) {
            peeled.add(refs.peel(ref));
        }
        peeled.sort(Comparator.comparing(Ref::getName));
        return peeled;
    }

    static List<GitTag> atHead(List<Ref> peeledTags, ObjectId head) {
        List<GitTag> tags = new ArrayList<>();
        for (Ref ref : on(peeledTags, head)) {
            tags.add(new GitTag(shortName(ref), ref.getPeeledObjectId() != null));
        }
        return tags;
    }

    /**
     * Like {@code git describe --tags --always}. Never throws for a history cut short (shallow clone,
     * missing objects): JGit's walk stops at the shallow boundary, and should it fail anyway the
     * abbreviated sha is the answer, as with no reachable tag.
     */
    static String describe(Repository repo, ObjectId head, List<Ref> peeledTags) throws IOException {
        if (peeledTags.isEmpty()) {
            return abbreviate(repo, head);
        }
        List<Ref> atHead = on(peeledTags, head);
        if (!atHead.isEmpty()) {
            return shortName(preferred(repo, atHead)); // an exact match needs no history walk
        }
        String described;
        try (Git git = new Git(repo)) {
            described = git.describe().setTarget(head).setTags(true).setAlways(true).setAbbrev(ABBREV).call();
        } catch (GitAPIException | JGitInternalException | IOException e) {
            described = null;
        }
        return described == null ? abbreviate(repo, head) : asGitNamesIt(repo, described, peeledTags);
    }

    /**
     * JGit and git pick different names when one commit has several tags; git prefers an annotated
     * tag (the newest by tagger date) over a lightweight one, else the first by name. The commit and
     * distance JGit found stay; only the name is swapped for git's choice.
     */
    private static String asGitNamesIt(Repository repo, String described, List<Ref> peeledTags) throws IOException {
        Matcher m = DESCRIBED.matcher(described);
        String name = m.matches() ? m.group(1) : described;
        String suffix = m.matches() ? m.group(2) : "";
        Ref tag = find(peeledTags, name);
        if (tag == null) {
            return described; // the --always abbreviation, or a name with '-<n>-g' inside it
        }
        List<Ref> sameCommit = on(peeledTags, target(tag));
        return sameCommit.size() < 2 ? described : shortName(preferred(repo, sameCommit)) + suffix;
    }

    private static Ref preferred(Repository repo, List<Ref> tagsByName) throws IOException {
        Ref best = null;
        long bestDate = Long.MIN_VALUE;
        try (RevWalk walk = new RevWalk(repo)) {
            for (Ref ref : tagsByName) {
                if (ref.getPeeledObjectId() == null) {
                    continue;
                }
                RevTag tag = walk.parseTag(ref.getObjectId());
                PersonIdent tagger = tag.getTaggerIdent();
                long date = tagger == null ? Long.MIN_VALUE + 1 : tagger.getWhenAsInstant().toEpochMilli();
                if (best == null || date > bestDate) {
                    best = ref;
                    bestDate = date;
                }
            }
        }
        return best != null ? best : tagsByName.get(0);
    }

    private static List<Ref> on(List<Ref> peeledTags, ObjectId commit) {
        List<Ref> on = new ArrayList<>();
        for (Ref ref : peeledTags) {
            if (commit.equals(target(ref))) {
                on.add(ref);
            }
        }
        return on;
    }

    private static Ref find(List<Ref> peeledTags, String shortName) {
        for (Ref ref : peeledTags) {
            if (shortName(ref).equals(shortName)) {
                return ref;
            }
        }
        return null;
    }

    private static ObjectId target(Ref peeled) {
        return peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
    }

    private static String shortName(Ref ref) {
        return ref.getName().substring(Constants.R_TAGS.length());
    }

    static String abbreviate(Repository repo, ObjectId id) throws IOException {
        try (ObjectReader reader = repo.newObjectReader()) {
            return reader.abbreviate(id, ABBREV).name();
        }
    }
}
