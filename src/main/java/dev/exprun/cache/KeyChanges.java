package dev.exprun.cache;

import dev.exprun.git.GitProvenance;
import dev.exprun.git.WorkTreeInputs;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.CacheKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Says which parts of the key changed since an earlier run, with the values where the record has them anyway:
 * {@code params lr 0.01 → 0.02; the tree (3 files changed under src/); the image digest sha256:1a2b… → sha256:3c4d…}.
 */
public final class KeyChanges {
    private static final int LISTED = 3;

    private KeyChanges() {
    }

    /** The changed parts, in key order; empty when every part is the same. */
    public static List<String> between(KeyedRun earlier, CacheKey now, KeyFacts facts, InputGlobs inputs) {
        List<String> changed = new ArrayList<>();
        Map<String, String> before = earlier.cache().parts();
        for (String part : CacheKeys.PARTS) {
            if (Objects.equals(before.get(part), now.parts().get(part))) {
                continue;
            }
            changed.add(switch (part) {
                case "inputs" -> "the cacheInputs " + globs(earlier.cache().inputs()) + " → " + globs(now.inputs());
                case "tree" -> tree(earlier, facts.git(), inputs);
                case "changes" -> changes(earlier, facts.git(), inputs);
                case "image" -> "the image digest " + shortDigest(earlier.imageDigest()) + " → " + shortDigest(facts.imageDigest());
                case "command" -> earlier.command() == null ? "the command"
                        : "the command '" + String.join(" ", earlier.command()) + "' → '" + String.join(" ", facts.command()) + "'";
                case "params" -> params(earlier.params(), facts.params());
                case "env" -> env(earlier.envNames(), facts.env().keySet());
                case "gpus" -> earlier.gpus() == null ? "the GPU request (now " + facts.gpus() + ")"
                        : "the GPU request " + earlier.gpus() + " → " + facts.gpus();
                case "runtime" -> "the exprun runtime (another plugin version)";
                case "contract" -> "the container contract's version";
                case "salt" -> "the cacheSalt";
                default -> part;
            });
        }
        return changed;
    }

    private static String globs(List<String> globs) {
        return globs == null || globs.isEmpty() ? "(none: the whole tree)" : String.join(", ", globs);
    }

    private static String tree(KeyedRun earlier, GitProvenance git, InputGlobs inputs) {
        List<String> paths = WorkTreeInputs.changedSince(git, earlier.commit(), inputs.isEmpty() ? null : inputs);
        if (paths == null) {
            return "the tree (commit " + abbrev(earlier.commit()) + " → " + abbrev(git.commit()) + "; the earlier commit is not in this clone)";
        }
        if (paths.isEmpty()) {
            return "the tree (commit " + abbrev(earlier.commit()) + " → " + abbrev(git.commit()) + ")";
        }
        if (paths.size() <= LISTED) {
            return "the tree (" + String.join(", ", paths) + " changed)";
        }
        String under = commonDirectory(paths);
        return "the tree (" + paths.size() + " files changed" + (under.isEmpty() ? "" : " under " + under) + ")";
    }

    private static String changes(KeyedRun earlier, GitProvenance git, InputGlobs inputs) {
        Predicate<String> counts = inputs.isEmpty() ? p -> true : p -> relevant(p, git.projectPath(), inputs);
        List<String> now = git.changes().describeLines().stream().filter(l -> counts.test(pathOf(l))).toList();
        String before = earlier.changes() == null ? "other changes"
                : describe(earlier.changes().stream().filter(l -> counts.test(pathOf(l))).toList());
        return "the uncommitted changes (now: " + describe(now) + "; before: " + before + ")";
    }

    private static boolean relevant(String workTreePath, String projectPath, InputGlobs inputs) {
        String relative = projectPath.isEmpty() ? workTreePath
                : workTreePath.startsWith(projectPath + "/") ? workTreePath.substring(projectPath.length() + 1) : null;
        return relative != null && inputs.test(relative);
    }

    /** "modified: src/a.py" -> src/a.py; "renamed: a -> b" -> b. */
    private static String pathOf(String line) {
        String path = line.substring(line.indexOf(": ") + 2);
        int arrow = path.indexOf(" -> ");
        return arrow < 0 ? path : path.substring(arrow + 4);
    }

    private static String describe(List<String> lines) {
        if (lines.isEmpty()) {
            return "none";
        }
        String listed = String.join(", ", lines.subList(0, Math.min(LISTED, lines.size())));
        return lines.size() <= LISTED ? listed : listed + " and " + (lines.size() - LISTED) + " more";
    }

    private static String params(Map<String, Object> before, Map<String, Object> now) {
        if (before == null) {
            return "the params";
        }
        List<String> changes = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(now.keySet());
        for (String name : names) {
            Object was = before.get(name);
            Object is = now.get(name);
            if (!Objects.equals(json(was), json(is))) {
                changes.add(name + " " + (before.containsKey(name) ? json(was) : "(unset)") + " → "
                        + (now.containsKey(name) ? json(is) : "(unset)"));
            }
        }
        return changes.isEmpty() ? "the params" : "params " + String.join(", ", changes);
    }

    private static String json(Object value) {
        return value instanceof String s ? s : RecordJson.compact(value);
    }

    private static String env(List<String> before, java.util.Set<String> now) {
        if (before == null) {
            return "the env";
        }
        List<String> names = new ArrayList<>();
        now.stream().filter(n -> !before.contains(n)).sorted().forEach(n -> names.add("+" + n));
        before.stream().filter(n -> !now.contains(n)).sorted().forEach(n -> names.add("-" + n));
        return names.isEmpty() ? "the env (a value; values are never recorded)" : "the env (" + String.join(", ", names) + ")";
    }

    private static String commonDirectory(List<String> paths) {
        String first = paths.get(0);
        int end = first.lastIndexOf('/') + 1;
        String prefix = first.substring(0, end);
        for (String p : paths) {
            while (!prefix.isEmpty() && !p.startsWith(prefix)) {
                prefix = prefix.substring(0, prefix.substring(0, prefix.length() - 1).lastIndexOf('/') + 1);
            }
        }
        return prefix;
    }

    static String shortDigest(String digest) {
        if (digest == null) {
            return "(none)";
        }
        int colon = digest.indexOf(':');
        String hex = digest.substring(colon + 1);
        return digest.substring(0, colon + 1) + hex.substring(0, Math.min(12, hex.length()));
    }

    private static String abbrev(String commit) {
        return commit == null ? "(none)" : commit.substring(0, Math.min(7, commit.length()));
    }
}
