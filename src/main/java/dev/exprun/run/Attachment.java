package dev.exprun.run;

import java.nio.file.Path;

/**
 * A file for the build to attach as an artifact: {@code <artifactId>-<version>-<classifier>.<type>}. outputPath and
 * sha256: for an output served from the run cache, where it was under the earlier run's output dir and what it hashed
 * to (verified), so that the note says so without hashing it again; null otherwise.
 */
public record Attachment(Path file, String classifier, String type, String outputPath, String sha256) {
    public Attachment(Path file, String classifier, String type) {
        this(file, classifier, type, null, null);
    }
}
