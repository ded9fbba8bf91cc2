package dev.exprun.history;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateCheck;
import dev.exprun.gate.GateResult;
import dev.exprun.tagging.ExpTag;
import dev.exprun.tagging.ExpTags;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * exp:history: every recorded run, from one pass over the notes and one over the tags, filtered to
 * what HEAD contains (one walk of HEAD's history, not one per run) unless all refs are asked for.
 * Exp tags whose run has no note still appear; lightweight tags appear with a warning.
 */
public final class RunHistory {
    private final Repository repo;
    private final ExpLog log;

    public RunHistory(Repository repo, ExpLog log) {
        this.repo = repo;
        this.log = log;
    }

    public List<HistoryEntry> list(Map<String, List<RunNote>> notesByCommit, HistoryOptions options) {
        try (RevWalk walk = new RevWalk(repo)) {
            Map<String, List<String>> tagsByCommit = new HashMap<>();
            List<HistoryEntry> entries = new ArrayList<>();
            Set<String> runIdsInNotes = new HashSet<>();
            notesByCommit.values().forEach(runs -> runs.forEach(r -> runIdsInNotes.add(r.runId())));
            List<HistoryEntry> fromTags = readTags(walk, tagsByCommit, runIdsInNotes);
            String sweep = options.sweep() == null || options.sweep().isBlank() ? null : options.sweep().trim();
            notesByCommit.forEach((commit, runs) -> runs.stream().filter(r -> sweep == null || sweep.equals(r.sweep()))
                    .forEach(r -> entries.add(new HistoryEntry(HistoryEntry.Source.NOTE,
                    r.startedAt(), commit, r.branch(), tagsByCommit.getOrDefault(commit, List.of()), r.runId(), r.status(),
                    r.imageDigest(), r.metrics() == null ? Map.of() : r.metrics(), r.cachedFrom()))));
            if (sweep == null) {
                fromTags.forEach(e -> entries.add(withTags(e, tagsByCommit)));
            }
            Set<String> reachable = options.all() ? null : reachableFromHead(walk, entries);
            Instant since = since(options.since());
            List<Gate> where = Gate.parseAll(null, options.where());
            List<HistoryEntry> kept = new ArrayList<>();
            for (HistoryEntry e : entries) {
                if ((reachable == null || reachable.contains(e.commit()))
                        && (!options.tagsOnly() || !e.tags().isEmpty())
                        && (since == null || (e.date() != null && !Instant.parse(e.date()).isBefore(since)))
                        && passes(where, e)) {
                    kept.add(e);
                }
            }
            kept.sort(order(options.sort()));
            return kept;
        } catch (IOException e) {
            throw new ExpError("Cannot read the history of " + repo.getDirectory() + ": " + e.getMessage(), "check the repository", e);
        }
    }

    private List<HistoryEntry> readTags(RevWalk walk, Map<String, List<String>> tagsByCommit, Set<String> runIdsInNotes)
            throws IOException {
        List<HistoryEntry> entries = new ArrayList<>();
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
            String name = ref.getName().substring(Constants.R_TAGS.length());
            RevObject object = walk.parseAny(ref.getObjectId());
            RevObject target = walk.peel(object);
            if (!(target instanceof RevCommit commit)) {
                continue;
            }
            tagsByCommit.computeIfAbsent(commit.name(), k -> new ArrayList<>()).add(name);
            if (!(object instanceof RevTag tag)) {
                log.warn("The tag " + name + " is lightweight: it carries no run record (listed, never used as a baseline)");
                entries.add(new HistoryEntry(HistoryEntry.Source.LIGHTWEIGHT_TAG, commitDate(walk, commit), commit.name(), null,
                        List.of(), null, "lightweight", null, Map.of()));
                continue;
            }
            walk.parseBody(tag);
            ExpTag exp = ExpTags.parse(name, commit.name(), tag.getFullMessage()).orElse(null);
            if (exp == null || runIdsInNotes.contains(exp.runId())) {
                continue; // a plain annotated tag only names its commit; a run with a note is listed from the note
            }
            String date = tag.getTaggerIdent() == null ? commitDate(walk, commit) : tag.getTaggerIdent().getWhenAsInstant().toString();
            entries.add(new HistoryEntry(HistoryEntry.Source.TAG, date, commit.name(), null, List.of(), exp.runId(),
                    "tagged", exp.imageDigest(), exp.metrics()));
        }
        tagsByCommit.values().forEach(list -> list.sort(Comparator.naturalOrder()));
        return entries;
    }

    private static HistoryEntry withTags(HistoryEntry e, Map<String, List<String>> tagsByCommit) {
        return new HistoryEntry(e.source(), e.date(), e.commit(), e.branch(), tagsByCommit.getOrDefault(e.commit(), List.of()),
                e.runId(), e.status(), e.imageDigest(), e.metrics(), e.cachedFrom());
    }

    /** One walk over HEAD's history, stopping as soon as every commit that has an entry has been seen. */
    private Set<String> reachableFromHead(RevWalk walk, List<HistoryEntry> entries) throws IOException {
        Set<String> wanted = new HashSet<>();
        entries.forEach(e -> wanted.add(e.commit()));
        Set<String> found = new HashSet<>();
        ObjectId head = repo.resolve(Constants.HEAD);
        if (head == null || wanted.isEmpty()) {
            return found;
        }
        walk.reset();
        walk.setRetainBody(false);
        walk.markStart(walk.parseCommit(head));
        for (RevCommit c : walk) {
            if (wanted.contains(c.name())) {
                found.add(c.name());
                if (found.size() == wanted.size()) {
                    break;
                }
            }
        }
        walk.setRetainBody(true);
        return found;
    }

    private static String commitDate(RevWalk walk, RevCommit commit) throws IOException {
        walk.parseHeaders(commit);
        return Instant.ofEpochSecond(commit.getCommitTime()).toString();
    }

    private static boolean passes(List<Gate> where, HistoryEntry e) {
        return where.isEmpty() || GateCheck.evaluate(where, e.metrics()).stream().allMatch(GateResult::passed);
    }

    /** {@code -val_acc}: highest first; {@code loss}: lowest first; {@code date}/{@code -date}; default newest first. Missing values last. */
    static Comparator<HistoryEntry> order(String sort) {
        String key = sort == null || sort.isBlank() ? "-date" : sort.trim();
        boolean descending = key.startsWith("-");
        String field = descending || key.startsWith("+") ? key.substring(1) : key;
        Comparator<HistoryEntry> byDate = Comparator.comparing(e -> e.date() == null ? "" : e.date());
        if (field.equals("date")) {
            return descending ? byDate.reversed() : byDate;
        }
        Comparator<Double> values = descending ? Comparator.reverseOrder() : Comparator.naturalOrder();
        return Comparator.<HistoryEntry, Double>comparing(e -> value(e, field), Comparator.nullsLast(values))
                .thenComparing(byDate.reversed());
    }

    private static Double value(HistoryEntry e, String metric) {
        Double v = e.metrics().get(metric);
        return v == null || v.isNaN() ? null : v;
    }

    static Instant since(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            if (t.matches("\\d+[dhw]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration d = switch (t.charAt(t.length() - 1)) {
                    case 'h' -> Duration.ofHours(n);
                    case 'w' -> Duration.ofDays(7 * n);
                    default -> Duration.ofDays(n);
                };
                return Instant.now().minus(d);
            }
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(t);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ExpError("The date '" + text + "' in exp.since is not understood.",
                    "use a date (2026-11-01), an instant (2026-11-01T12:00:00Z) or an age (7d, 12h, 2w)");
        }
    }
}
