package dev.exprun.artifacts;

import java.nio.file.Path;

/** An output file found after the run, ready to attach. path is relative to the output dir, '/'-separated. */
public record CollectedOutput(Path file, String path, String classifier, String type, long size, String sha256) {
}
