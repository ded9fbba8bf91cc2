package dev.exprun.run;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.ExpectedFile;
import dev.exprun.cache.KeyChanges;
import dev.exprun.cache.KeyedRun;
import dev.exprun.core.ExpLog;
import dev.exprun.history.RunNote;
import dev.exprun.history.RunNotes;
import dev.exprun.metrics.MetricsReader;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunStatus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.Repository;

/**
 * Finds a verified earlier run for a key, newest first: in this project's run directories, then in the git notes
 * (a fresh clone with fetched notes), whose artifacts come from the Maven repositories. Every file is re-hashed
 * against the sha256 its record or note holds; a run with a file missing or different is passed over, and the log
 * says which file. On a miss it says which parts of the key changed since the newest earlier run on the branch.
 */
final class CacheLookup {
    /** By start time (an Instant's text drops trailing zeros, so it does not sort as text); unknown ones last. */
    private static final Comparator<KeyedRun> NEWEST_FIRST = Comparator.comparing((KeyedRun r) -> started(r),
            Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed();

    private final ExpLog log;
    private final RunConfiguration config;
    private final ArtifactSource artifacts;

    CacheLookup(ExpLog log, RunConfiguration config, ArtifactSource artifacts) {
        this.log = log;
        this.config = config;
        this.artifacts = artifacts;
    }

    /**
     * The newest run directory that serves the key, read newest first and only as far as needed: a run served from
     * the cache names its origin, so a repeated hit reads two records, not every run the project kept.
     */
    Optional<RunCache.Hit> findInRunDirectories(String key) {
        Set<String> tried = new HashSet<>();
        for (String id : runIds()) {
            KeyedRun run = read(id);
            if (run == null || !key.equals(run.cache().key())) {
                continue;
            }
            KeyedRun origin = run.cachedFrom() == null ? run : read(run.cachedFrom());
            if (origin != null && tried.add(origin.runId())) {
                Optional<RunCache.Hit> hit = find(List.of(origin), key);
                if (hit.isPresent()) {
                    return hit;
                }
            }
        }
        return Optional.empty();
    }

    /** This project's earlier runs with a key in its run directories, newest first. */
    List<KeyedRun> runDirectories() {
        List<KeyedRun> found = new ArrayList<>();
        for (String id : runIds()) {
            KeyedRun run = read(id);
            if (run != null) {
                found.add(run);
            }
        }
        return found;
    }

    /** The run ids under target/exp/runs, newest first (run ids sort by their start). */
    private List<String> runIds() {
        Path runs = config.buildDir().resolve("exp").resolve("runs");
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(runs)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
            dirs.forEach(d -> ids.add(d.getFileName().toString()));
        } catch (IOException e) {
            log.warn("Cache: cannot list " + runs + " (" + e.getMessage() + "); looking in the git notes only");
        }
        ids.sort(Comparator.reverseOrder());
        return ids;
    }

    /** The run's record as a keyed run of this project; null without a record, a key, or of another project. */
    private KeyedRun read(String runId) {
        Path record = RunDirectory.of(config.buildDir(), runId).record();
        if (!Files.isRegularFile(record)) {
            return null;
        }
        try {
            RunRecord r = RecordJson.read(record, RunRecord.class);
            return r.cache() != null && sameProject(r.project() == null ? null : r.project().coordinates()) ? KeyedRun.of(r) : null;
        } catch (RuntimeException e) {
            log.debug("Cache: skipped " + record + ": " + e.getMessage());
            return null;
        }
    }

    /** This project's runs with a key in the git notes that are not among here (run directories), newest first. */
    List<KeyedRun> notes(List<KeyedRun> here) {
        Set<String> local = new HashSet<>();
        here.forEach(r -> local.add(r.runId()));
        List<KeyedRun> found = new ArrayList<>();
        try (Repository repo = dev.exprun.git.Repositories.open(config.baseDir(), "the run cache")) {
            for (List<RunNote> notes : new RunNotes(repo).readAll().values()) {
                notes.stream().filter(n -> n.cache() != null && !local.contains(n.runId())).map(KeyedRun::of)
                        .filter(r -> sameProject(r.project())).forEach(found::add);
            }
        } catch (RuntimeException e) {
            log.debug("Cache: the git notes were not read: " + e.getMessage());
        }
        found.sort(NEWEST_FIRST);
        return found;
    }

    private static Instant started(KeyedRun run) {
        try {
            return run.startedAt() == null ? null : Instant.parse(run.startedAt());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private boolean sameProject(String coordinates) {
        return config.project().coordinates().equals(coordinates);
    }

    /** The newest earlier run with this key whose files all verify; each one passed over is named with its reason. */
    Optional<RunCache.Hit> find(List<KeyedRun> known, String key) {
        for (KeyedRun candidate : known) {
            if (!candidate.servesKey(key)) {
                continue;
            }
            long started = System.nanoTime();
            long[] bytes = {0};
            Verified verified = candidate.record() != null ? fromRunDirectory(candidate.record(), bytes) : fromRepositories(candidate.note(), key, bytes);
            if (verified.reason() != null) {
                log.warn("Cache: run " + candidate.runId() + " has this key but is not used: " + verified.reason() + "; training again");
                continue;
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            return Optional.of(new RunCache.Hit(verified.record(), verified.attachments(), verified.source(), bytes[0], millis));
        }
        return Optional.empty();
    }

    private record Verified(RunRecord record, List<Attachment> attachments, String source, String reason) {
        static Verified not(String reason) {
            return new Verified(null, null, null, reason);
        }
    }

    private Verified fromRunDirectory(RunRecord record, long[] bytes) {
        RunDirectory dir = RunDirectory.of(config.buildDir(), record.runId());
        List<ExpectedFile> files = new ArrayList<>();
        for (RunRecord.OutputFile o : record.outputs() == null ? List.<RunRecord.OutputFile>of() : record.outputs()) {
            files.add(new ExpectedFile(dir.out().resolve(o.path()), "out/" + o.path(), o.sha256()));
        }
        files.add(new ExpectedFile(dir.log(), "log.txt", null));
        if (record.git().present() && record.git().dirty()) {
            files.add(new ExpectedFile(dir.patch(), "diff.patch", record.git().patchSha256()));
        }
        Optional<String> reason = ExpectedFile.check(files, bytes).or(() -> metricsDiffer(dir.metrics(), record, "out/metrics.json"));
        if (reason.isPresent()) {
            return Verified.not("its " + reason.get() + " (in " + dir.root() + ")");
        }
        return new Verified(record, RunExecution.attachments(dir, record), "its run directory " + dir.root(), null);
    }

    private Verified fromRepositories(RunNote note, String key, long[] bytes) {
        List<ExpectedFile> files = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        Path recordFile = null;
        Path metricsFile = null;
        for (RunNote.Artifact a : note.artifacts() == null ? List.<RunNote.Artifact>of() : note.artifacts()) {
            if (a.coordinates() == null) {
                return Verified.not("its " + a.classifier() + " was never attached (the run was noted without artifacts)");
            }
            Optional<Path> file = artifacts.fetch(a.coordinates());
            if (file.isEmpty()) {
                return Verified.not("its " + a.classifier() + " " + a.coordinates() + " is in no Maven repository of this build "
                        + "(install or deploy the run, or add the repository it was deployed to)");
            }
            files.add(new ExpectedFile(file.get(), a.coordinates(), a.sha256()));
            attachments.add(new Attachment(file.get(), a.classifier(), a.type(), a.path(), a.sha256()));
            if ("exp-run".equals(a.classifier())) {
                recordFile = file.get();
            } else if ("exp-metrics".equals(a.classifier())) {
                metricsFile = file.get();
            }
        }
        if (recordFile == null) {
            return Verified.not("its note names no published record (exp-run)");
        }
        Optional<String> reason = ExpectedFile.check(files, bytes);
        if (reason.isPresent()) {
            return Verified.not(reason.get());
        }
        RunRecord record;
        try {
            record = RecordJson.read(recordFile, RunRecord.class);
        } catch (RuntimeException e) {
            return Verified.not("its record " + recordFile + " cannot be read: " + e.getMessage());
        }
        if (record.cache() == null || !key.equals(record.cache().key()) || record.status() != RunStatus.SUCCEEDED
                || !note.runId().equals(record.runId())) {
            return Verified.not("the record resolved from the Maven repositories is of another run or key (" + recordFile + ")");
        }
        Optional<String> metrics = metricsFile == null ? Optional.empty() : metricsDiffer(metricsFile, record, "metrics " + metricsFile);
        if (metrics.isPresent()) {
            return Verified.not(metrics.get());
        }
        return new Verified(record, attachments, "the Maven repositories (by its git note)", null);
    }

    private static Optional<String> metricsDiffer(Path file, RunRecord record, String name) {
        Map<String, Double> recorded = record.metrics() == null ? Map.of() : record.metrics();
        if (!Files.isRegularFile(file)) {
            return recorded.isEmpty() ? Optional.empty() : Optional.of(name + " is missing");
        }
        try {
            return Objects.equals(MetricsReader.read(file), recorded) ? Optional.empty() : Optional.of(name + " differs from its record");
        } catch (RuntimeException e) {
            return Optional.of(name + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** The one line of a miss: which parts changed since the newest earlier run on this branch, or why its key did not serve. */
    String missLine(List<KeyedRun> known, RunCache.RunKey key, String branch) {
        Optional<KeyedRun> earlier = known.stream().filter(r -> Objects.equals(branch, r.branch())).min(NEWEST_FIRST);
        String shortKey = key.key().key().substring(0, 12) + "…";
        if (known.stream().anyMatch(r -> r.servesKey(key.key().key()))) {
            return "Cache miss (key " + shortKey + "): no run with this key could be used (said above); training";
        }
        if (earlier.isEmpty()) {
            return "Cache miss (key " + shortKey + "): no earlier run on " + (branch == null ? "this detached HEAD" : "branch " + branch)
                    + " to compare with; training";
        }
        KeyedRun e = earlier.get();
        List<String> changed = KeyChanges.between(e, key.key(), key.facts(), key.inputs());
        if (changed.isEmpty()) {
            String why = e.cachedFrom() != null ? "was itself served from run " + e.cachedFrom() : "ended " + e.status();
            return "Cache miss (key " + shortKey + "): run " + e.runId() + " had the same key but " + why + "; training";
        }
        return "Cache miss: since run " + e.runId() + " on " + (branch == null ? "this detached HEAD" : "branch " + branch) + ": "
                + String.join("; ", changed);
    }
}
