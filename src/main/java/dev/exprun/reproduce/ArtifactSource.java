package dev.exprun.reproduce;

import java.nio.file.Path;
import java.util.Optional;

/** Fetches a published artifact by its coordinates {@code groupId:artifactId:type:classifier:version}. */
public interface ArtifactSource {
    Optional<Path> fetch(String coordinates);
}
