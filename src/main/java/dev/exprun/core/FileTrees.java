package dev.exprun.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** The plugin's own files under target/: scratch directories removed, latest-record copies replaced whole. */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Copies a file over another through a temp file and a rename, so readers never see half a file. The temp
     * file's name is unique: concurrent copies to one target (trials, killed-run sweeps) never share it.
     */
    public static void copyAtomically(Path from, Path to) throws IOException {
        Files.createDirectories(to.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(to.toAbsolutePath().getParent(), to.getFileName().toString(), ".tmp");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
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
