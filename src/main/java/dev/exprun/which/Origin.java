package dev.exprun.which;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a file comes from: the recorded runs whose outputs have its sha256 (several when a run was
 * reproduced bit for bit), and the provenance the file carries itself.
 *
 * @param matches         sorted by run id (which starts with the run's start time)
 * @param provenance      the file's own provenance, or why it has none
 * @param agreement       how that provenance compares with the matches
 * @param runsSearched    run notes looked at
 * @param commitsSearched commits with notes looked at
 * @param tagsSearched    exp tags looked at
 */
public record Origin(Path file, String sha256, long size, List<RunMatch> matches, ProvenanceLookup provenance,
        Agreement agreement, int runsSearched, int commitsSearched, int tagsSearched) {

    public Origin {
        matches = List.copyOf(matches);
    }

    /** Some recorded run produced it. */
    public boolean recorded() {
        return !matches.isEmpty();
    }

    /** Neither a recorded run nor the file itself says where it comes from. */
    public boolean unknown() {
        return matches.isEmpty() && provenance.found().isEmpty();
    }

    public Optional<FileProvenance> fileProvenance() {
        return provenance.found();
    }

    public enum Verdict {
        /** The file's provenance names one of the matched runs, at the same commit. */
        AGREES,
        /** It names another run, or the same run at another commit. */
        DISAGREES,
        /** Nothing to compare: no provenance, no match, or a provenance without run id. */
        NOT_COMPARED
    }

    /** @param detail one sentence for the user */
    public record Agreement(Verdict verdict, String detail) {
    }
}
