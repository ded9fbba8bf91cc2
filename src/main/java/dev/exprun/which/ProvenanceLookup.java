package dev.exprun.which;

import java.util.Optional;

/**
 * The outcome of looking for a file's own provenance: what was found, or why nothing was (for
 * debug output: "no sidecar ...; torch.save pickle: the top-level object is ..., not a dict").
 *
 * @param provenance null when none was found
 * @param reason     why none was found; null when one was
 */
public record ProvenanceLookup(FileProvenance provenance, String reason) {

    public static ProvenanceLookup of(FileProvenance provenance) {
        return new ProvenanceLookup(provenance, null);
    }

    public static ProvenanceLookup none(String reason) {
        return new ProvenanceLookup(null, reason);
    }

    public Optional<FileProvenance> found() {
        return Optional.ofNullable(provenance);
    }
}
