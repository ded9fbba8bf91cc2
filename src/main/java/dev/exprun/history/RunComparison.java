package dev.exprun.history;

import dev.exprun.core.ExpError;
import dev.exprun.core.TextTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * exp:compare: two runs side by side. Params changed, added and removed; metrics with absolute and
 * relative deltas; image and digest; engine and GPUs seen; dirty state; and a diffstat of the code
 * between the two commits, so "what differs" has one answer.
 */
public final class RunComparison {
    private RunComparison() {
    }

    public static List<String> lines(Repository repo, RunNote a, RunNote b) {
        List<String> out = new ArrayList<>();
        out.add("A: " + describe(a));
        out.add("B: " + describe(b));
        out.add("");
        params(out, a.params(), b.params());
        out.add("");
        metrics(out, a.metrics(), b.metrics());
        out.add("");
        out.add("Environment:");
        row(out, "image", a.image(), b.image());
        row(out, "digest", a.imageDigest(), b.imageDigest());
        row(out, "engine", a.engine(), b.engine());
        row(out, "gpus", a.gpus() == null || a.gpus().isEmpty() ? "none seen" : String.join(", ", a.gpus()),
                b.gpus() == null || b.gpus().isEmpty() ? "none seen" : String.join(", ", b.gpus()));
        if (a.gpuDriver() != null || b.gpuDriver() != null) {
            row(out, "gpu driver", a.gpuDriver(), b.gpuDriver());
        }
        row(out, "command", String.join(" ", a.command()), String.join(" ", b.command()));
        row(out, "dirty", dirty(a), dirty(b));
        out.add("");
        out.addAll(diffstat(repo, a.commit(), b.commit()));
        if (a.dirty() || b.dirty()) {
            out.add("  (plus uncommitted changes recorded as a patch in " + (a.dirty() && b.dirty() ? "both runs" : a.dirty() ? "A" : "B")
                    + "; the exp-diff artifacts hold them)");
        }
        return out;
    }

    private static String describe(RunNote n) {
        return n.runId() + "  " + n.status() + "  " + n.commit().substring(0, 12)
                + (n.branch() == null ? "" : " on " + n.branch()) + (n.describe() == null ? "" : " (" + n.describe() + ")")
                + (n.startedAt() == null ? "" : "  " + n.startedAt());
    }

    private static String dirty(RunNote n) {
        return n.dirty() ? "yes, patch sha256 " + (n.patchSha256() == null ? "?" : n.patchSha256().substring(0, 12)) : "no";
    }

    private static void params(List<String> out, Map<String, Object> a, Map<String, Object> b) {
        Set<String> names = new LinkedHashSet<>(a.keySet());
        names.addAll(b.keySet());
        List<String> changes = new ArrayList<>();
        int same = 0;
        for (String name : names) {
            if (!a.containsKey(name)) {
                changes.add("  + " + name + " = " + b.get(name) + "  (added in B)");
            } else if (!b.containsKey(name)) {
                changes.add("  - " + name + " = " + a.get(name) + "  (removed in B)");
            } else if (!Objects.equals(a.get(name), b.get(name))) {
                changes.add("  ~ " + name + ": " + a.get(name) + " -> " + b.get(name));
            } else {
                same++;
            }
        }
        out.add("Params: " + changes.size() + " differ, " + same + " the same");
        out.addAll(changes);
    }

    private static void metrics(List<String> out, Map<String, Double> a, Map<String, Double> b) {
        Set<String> names = new LinkedHashSet<>(a.keySet());
        names.addAll(b.keySet());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("METRIC", "A", "B", "DELTA", "REL"));
        for (String name : names) {
            Double x = a.get(name);
            Double y = b.get(name);
            boolean same = x != null && x.equals(y);
            String delta = x == null || y == null ? "-" : same ? "0" : fmt(y - x, true);
            String rel = x == null || y == null || x == 0 ? "-" : same ? "0%" : String.format(Locale.ROOT, "%+.2f%%", (y - x) / Math.abs(x) * 100);
            rows.add(List.of(name, x == null ? "-" : fmt(x, false), y == null ? "-" : fmt(y, false), delta, rel));
        }
        out.add("Metrics:");
        out.addAll(TextTable.align(rows, "  "));
    }

    private static void row(List<String> out, String what, String a, String b) {
        String x = a == null ? "-" : a;
        String y = b == null ? "-" : b;
        out.add("  " + what + ": " + (x.equals(y) ? x + " (same)" : x + "  |  " + y));
    }

    private static List<String> diffstat(Repository repo, String a, String b) {
        List<String> out = new ArrayList<>();
        if (a.equals(b)) {
            out.add("Code: the same commit");
            return out;
        }
        try (RevWalk walk = new RevWalk(repo); DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            diff.setRepository(repo);
            diff.setDetectRenames(true);
            ObjectId treeA = walk.parseCommit(ObjectId.fromString(a)).getTree();
            ObjectId treeB = walk.parseCommit(ObjectId.fromString(b)).getTree();
            List<DiffEntry> entries = diff.scan(treeA, treeB);
            int insertions = 0;
            int deletions = 0;
            List<String> files = new ArrayList<>();
            for (DiffEntry e : entries) {
                int add = 0;
                int del = 0;
                for (Edit edit : diff.toFileHeader(e).toEditList()) {
                    add += edit.getEndB() - edit.getBeginB();
                    del += edit.getEndA() - edit.getBeginA();
                }
                insertions += add;
                deletions += del;
                String path = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath()
                        : e.getChangeType() == DiffEntry.ChangeType.RENAME ? e.getOldPath() + " => " + e.getNewPath() : e.getNewPath();
                files.add("  " + path + " | +" + add + " -" + del);
            }
            out.add("Code: " + a.substring(0, 12) + ".." + b.substring(0, 12) + ": " + entries.size() + " file(s) changed, "
                    + insertions + " insertion(s)(+), " + deletions + " deletion(s)(-)");
            out.addAll(files);
            return out;
        } catch (IOException | RuntimeException e) {
            throw new ExpError("Cannot diff " + a + " and " + b + ": " + e.getMessage(),
                    "fetch both commits (git fetch), e.g. when a run's commit was rebased away", e);
        }
    }

    private static String fmt(double v, boolean signed) {
        return String.format(Locale.ROOT, signed ? "%+.6g" : "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }
}
