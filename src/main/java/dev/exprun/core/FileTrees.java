package dev.exprun.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the plugin's own scratch directories under target/. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes a directory tree; what cannot be deleted stays (it is ours, under target/, and harmless). */
    public static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort by design.
        }
    }
}
