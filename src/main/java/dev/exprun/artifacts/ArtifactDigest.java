package dev.exprun.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** An attached artifact as a tag's JSON block lists it: its Maven coordinates and sha256. */
public final class ArtifactDigest {
    private ArtifactDigest() {
    }

    public static Map<String, String> of(String coordinates, Path file) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("coordinates", coordinates);
        try {
            entry.put("sha256", Sha256.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot hash " + file, e);
        }
        return entry;
    }
}
