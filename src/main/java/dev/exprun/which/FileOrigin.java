package dev.exprun.which;

import dev.exprun.tagging.ExpTag;
import dev.exprun.tagging.ExpTags;
import dev.exprun.artifacts.Sha256;
import dev.exprun.core.ExpError;
import dev.exprun.history.RunNote;
import dev.exprun.which.Origin.Agreement;
import dev.exprun.which.Origin.Verdict;
import dev.exprun.which.RunMatch.MatchedArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * exp:which: which recorded run produced a file. The file is identified by its sha256 alone (a
 * renamed or copied checkpoint is still found) against every run note's artifacts and every exp
 * tag's artifacts; its own provenance (sidecar, torch.save pickle, safetensors header) is read
 * too, and compared with what the records say.
 */
public final class FileOrigin {
    private FileOrigin() {
    }

    /**
     * @param notesByCommit the run notes of refs/notes/exprun, by the commit they annotate
     * @param expTags       the repository's exp tags ({@link ExpTags#read})
     */
    public static Origin find(Path file, Map<String, List<RunNote>> notesByCommit, List<ExpTag> expTags) {
        if (!Files.isRegularFile(file)) {
            throw new ExpError("exp:which was given " + file + ", which is not a file.",
                    "pass the path of an existing file: -Dexp.file=path/to/model.pt");
        }
        String sha256;
        long size;
        try {
            sha256 = Sha256.of(file);
            size = Files.size(file);
        } catch (IOException e) {
            throw new ExpError("Cannot read " + file + " to compute its sha256: " + e.getMessage(),
                    "check that the file is readable by the user running the build", e);
        }
        List<RunMatch> matches = match(sha256, notesByCommit, expTags);
        ProvenanceLookup provenance = TorchProvenance.lookup(file, sha256, size);
        int runs = notesByCommit.values().stream().mapToInt(List::size).sum();
        return new Origin(file, sha256, size, matches, provenance, agreement(provenance, matches), runs,
                notesByCommit.size(), expTags.size());
    }

    static List<RunMatch> match(String sha256, Map<String, List<RunNote>> notesByCommit, List<ExpTag> expTags) {
        Map<String, Builder> byRun = new LinkedHashMap<>();
        notesByCommit.forEach((commit, notes) -> {
            for (RunNote note : notes) {
                for (RunNote.Artifact a : note.artifacts() == null ? List.<RunNote.Artifact>of() : note.artifacts()) {
                    if (sha256.equalsIgnoreCase(a.sha256())) {
                        byRun.computeIfAbsent(key(note.runId(), "note " + commit), k -> Builder.of(note, commit))
                                .matched.add(new MatchedArtifact(a.coordinates(), a.path(), "note"));
                    }
                }
            }
        });
        for (ExpTag tag : expTags) {
            for (ExpTag.Artifact a : tag.artifacts()) {
                if (sha256.equalsIgnoreCase(a.sha256())) {
                    byRun.computeIfAbsent(key(tag.runId(), "tag " + tag.name()), k -> noteOf(tag.runId(), notesByCommit)
                                    .map(n -> Builder.of(n.getValue(), n.getKey())).orElseGet(() -> Builder.of(tag)))
                            .matched.add(new MatchedArtifact(a.coordinates(), null, "tag " + tag.name()));
                }
            }
        }
        List<RunMatch> matches = new ArrayList<>();
        for (Builder b : byRun.values()) {
            TreeSet<String> tags = new TreeSet<>();
            expTags.stream().filter(t -> Objects.equals(t.commit(), b.commit) || b.runId != null && b.runId.equals(t.runId()))
                    .forEach(t -> tags.add(t.name()));
            matches.add(b.build(List.copyOf(tags)));
        }
        matches.sort(Comparator.comparing(RunMatch::runId, Comparator.nullsLast(Comparator.naturalOrder())));
        return matches;
    }

    /** The run's note, when the tag's file is not among its artifacts (the note still knows status and branch). */
    private static Optional<Map.Entry<String, RunNote>> noteOf(String runId, Map<String, List<RunNote>> notesByCommit) {
        if (runId == null) {
            return Optional.empty();
        }
        return notesByCommit.entrySet().stream().flatMap(e -> e.getValue().stream().filter(n -> runId.equals(n.runId()))
                .map(n -> Map.entry(e.getKey(), n))).findFirst();
    }

    /** One run, whichever records name it; a record without a run id stands alone. */
    private static String key(String runId, String fallback) {
        return runId != null ? "run " + runId : fallback;
    }

    static Agreement agreement(ProvenanceLookup lookup, List<RunMatch> matches) {
        if (lookup.found().isEmpty()) {
            return new Agreement(Verdict.NOT_COMPARED, "the file carries no exprun provenance");
        }
        FileProvenance p = lookup.provenance();
        if (p.runId() == null) {
            return new Agreement(Verdict.NOT_COMPARED, "the file's provenance has no run id (saved outside mvn exp:run)");
        }
        if (matches.isEmpty()) {
            return new Agreement(Verdict.NOT_COMPARED, "no recorded run to compare it with");
        }
        for (RunMatch m : matches) {
            if (p.runId().equals(m.runId())) {
                if (p.commit() == null || m.commit() == null || p.commit().equals(m.commit())) {
                    return new Agreement(Verdict.AGREES, "the file's provenance names the same run" + (p.commit() == null ? "" : " and commit"));
                }
                return new Agreement(Verdict.DISAGREES, "the file's provenance names run " + p.runId() + " at commit " + p.commit()
                        + ", but that run's record says commit " + m.commit());
            }
        }
        return new Agreement(Verdict.DISAGREES, "the file's provenance names run " + p.runId()
                + ", which is not among the recorded runs that produced these bytes");
    }

    /** Fields of a match: from the note when there is one (it knows status, branch, dirty), else from the tag. */
    private static final class Builder {
        String runId;
        String status;
        String startedAt;
        String commit;
        String branch;
        String describe;
        boolean dirty;
        String patchSha256;
        String image;
        String imageDigest;
        Map<String, Object> params;
        Map<String, Double> metrics;
        final List<MatchedArtifact> matched = new ArrayList<>();

        static Builder of(RunNote note, String notedCommit) {
            Builder b = new Builder();
            b.runId = note.runId();
            b.status = note.status();
            b.startedAt = note.startedAt();
            b.commit = note.commit() != null ? note.commit() : notedCommit;
            b.branch = note.branch();
            b.describe = note.describe();
            b.dirty = note.dirty();
            b.patchSha256 = note.patchSha256();
            b.image = note.image();
            b.imageDigest = note.imageDigest();
            b.params = note.params();
            b.metrics = note.metrics();
            return b;
        }

        static Builder of(ExpTag tag) {
            Builder b = new Builder();
            b.runId = tag.runId();
            b.commit = tag.commit();
            b.image = tag.image();
            b.imageDigest = tag.imageDigest();
            b.params = tag.params();
            b.metrics = tag.metrics();
            return b;
        }

        RunMatch build(List<String> tags) {
            return new RunMatch(runId, status, startedAt, commit, branch, describe, dirty, patchSha256, image, imageDigest,
                    params, metrics, matched, tags);
        }
    }
}
