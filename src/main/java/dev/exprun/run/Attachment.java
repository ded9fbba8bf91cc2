package dev.exprun.run;

import java.nio.file.Path;

/** A file for the build to attach as an artifact: {@code <artifactId>-<version>-<classifier>.<type>}. */
public record Attachment(Path file, String classifier, String type) {
}
