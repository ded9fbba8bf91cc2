package dev.exprun.git;

import dev.exprun.core.ExpError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * What of the work tree a run's container reads, as the run cache keys it: either the whole tree (HEAD's tree id
 * and the dirty patch's sha256) or only the paths a selector picks (their blob ids at HEAD, and their uncommitted
 * state in the work tree). Paths given to a selector are relative to the project directory, '/'-separated. Reads the
 * repository and the work tree only.
 */
public final class WorkTreeInputs {
    /** tree: the committed part; changes: the uncommitted part (null when there is none); files: how many paths count. */
    public record Digest(String tree, String changes, int files) {
    }

    private WorkTreeInputs() {
    }

    /** selector null: the whole work tree (it is all mounted). */
    public static Digest of(GitProvenance git, Predicate<String> selector) {
        try (Repository repo = open(git)) {
            ObjectId commit = git.commit() == null ? null : repo.resolve(git.commit());
            if (selector == null) {
                String tree = commit == null ? "empty" : treeOf(repo, commit).name();
                return new Digest(tree, git.dirty() ? git.patchSha256() : null, -1);
            }
            Map<String, String> committed = commit == null ? Map.of() : blobs(repo, commit, git.projectPath(), selector);
            Map<String, String> changed = new TreeMap<>();
            for (String path : changedPaths(git.changes())) {
                String relative = projectRelative(git.projectPath(), path);
                if (relative != null && selector.test(relative)) {
                    String now = workTreeEntry(Path.of(git.workTree()).resolve(path));
                    if (!now.equals(committed.get(relative))) {
                        changed.put(relative, now);
                    }
                }
            }
            Set<String> all = new TreeSet<>(committed.keySet());
            all.addAll(changed.keySet());
            all.removeIf(p -> "deleted".equals(changed.get(p)));
            return new Digest(sha256(committed), changed.isEmpty() ? null : sha256(changed), all.size());
        } catch (IOException e) {
            throw new ExpError("Cannot read the git repository at " + git.workTree() + " for the run cache's key: " + e.getMessage(),
                    "check that `git status` works there", e);
        }
    }

    /**
     * The selected paths (project-relative; selector null: all, work-tree relative) that differ between an earlier commit and
     * this one, sorted; null when the earlier commit is not in this repository (a shallow or fresh clone).
     */
    public static List<String> changedSince(GitProvenance git, String earlierCommit, Predicate<String> selector) {
        try (Repository repo = open(git); RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            ObjectId before = earlierCommit == null ? null : repo.resolve(earlierCommit + "^{commit}");
            ObjectId now = git.commit() == null ? null : repo.resolve(git.commit());
            if (before == null || now == null || !repo.getObjectDatabase().has(before)) {
                return null;
            }
            tw.addTree(walk.parseCommit(before).getTree());
            tw.addTree(walk.parseCommit(now).getTree());
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            List<String> paths = new ArrayList<>();
            while (tw.next()) {
                String path = selector == null ? tw.getPathString() : projectRelative(git.projectPath(), tw.getPathString());
                if (path != null && (selector == null || selector.test(path))) {
                    paths.add(path);
                }
            }
            return paths;
        } catch (IOException | RuntimeException e) {
            return null; // an explanation only: a commit that cannot be read is "not here"
        }
    }

    private static Repository open(GitProvenance git) throws IOException {
        Repository repo = RepositoryLocator.open(Path.of(git.workTree()));
        if (repo == null) {
            throw new IOException("no repository at " + git.workTree());
        }
        return repo;
    }

    private static ObjectId treeOf(Repository repo, ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.parseCommit(commit).getTree();
        }
    }

    /** project-relative path -> "mode blob" of every selected file at the commit. */
    private static Map<String, String> blobs(Repository repo, ObjectId commit, String projectPath, Predicate<String> selector)
            throws IOException {
        Map<String, String> blobs = new TreeMap<>();
        try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(walk.parseCommit(commit).getTree());
            tw.setRecursive(true);
            if (!projectPath.isEmpty()) {
                tw.setFilter(PathFilter.create(projectPath));
            }
            while (tw.next()) {
                String relative = projectRelative(projectPath, tw.getPathString());
                if (relative != null && selector.test(relative)) {
                    blobs.put(relative, tw.getFileMode(0).toString() + " " + tw.getObjectId(0).name());
                }
            }
        }
        return blobs;
    }

    private static Set<String> changedPaths(GitChanges changes) {
        Set<String> paths = new TreeSet<>();
        paths.addAll(changes.modified());
        paths.addAll(changes.staged());
        paths.addAll(changes.deleted());
        paths.addAll(changes.untracked());
        changes.renamed().forEach(r -> {
            paths.add(r.from());
            paths.add(r.to());
        });
        return paths;
    }

    /** "mode blob" as git would store the file now (the container sees the work tree, not the index), or "deleted". */
    private static String workTreeEntry(Path file) throws IOException {
        ObjectInserter.Formatter ids = new ObjectInserter.Formatter();
        if (Files.isSymbolicLink(file)) {
            byte[] target = Files.readSymbolicLink(file).toString().getBytes(StandardCharsets.UTF_8);
            return FileMode.SYMLINK + " " + ids.idFor(Constants.OBJ_BLOB, target).name();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "deleted";
        }
        FileMode mode = Files.isExecutable(file) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
        try (InputStream in = Files.newInputStream(file)) {
            return mode + " " + ids.idFor(Constants.OBJ_BLOB, Files.size(file), in).name();
        }
    }

    /** The path relative to the project dir, or null when it is outside it. */
    private static String projectRelative(String projectPath, String workTreePath) {
        if (projectPath.isEmpty()) {
            return workTreePath;
        }
        return workTreePath.startsWith(projectPath + "/") ? workTreePath.substring(projectPath.length() + 1) : null;
    }

    private static String sha256(Map<String, String> entries) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            entries.forEach((path, entry) -> digest.update((entry + " " + path + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }
}
