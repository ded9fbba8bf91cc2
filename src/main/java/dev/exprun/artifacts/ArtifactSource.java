package dev.exprun.artifacts;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Fetches a published artifact by its coordinates {@code groupId:artifactId:type:classifier:version}: the Maven
 * repositories (the local one, then the project's remote ones) through Maven's resolver.
 */
public interface ArtifactSource {
    /** No repositories: nothing is ever found. */
    ArtifactSource NONE = coordinates -> Optional.empty();

    Optional<Path> fetch(String coordinates);
}
