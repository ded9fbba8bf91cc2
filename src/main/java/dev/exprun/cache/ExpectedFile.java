package dev.exprun.cache;

import dev.exprun.artifacts.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A file an earlier run left, as its record or note says it must be: name is how a message names it
 * ({@code out/model.pt}), sha256 what it hashed to then (null: it must only be there, as the log).
 */
public record ExpectedFile(Path file, String name, String sha256) {

    /**
     * Re-hashes every file: the reason the first one that is missing or different makes the earlier run unusable, or
     * empty when all match. The bytes hashed are added to hashed.
     */
    public static Optional<String> check(List<ExpectedFile> files, long[] hashed) {
        for (ExpectedFile f : files) {
            if (f.file() == null || !Files.isRegularFile(f.file())) {
                return Optional.of(f.name() + " is missing");
            }
            if (f.sha256() == null) {
                continue;
            }
            try {
                hashed[0] += Files.size(f.file());
                String now = Sha256.of(f.file());
                if (!now.equals(f.sha256())) {
                    return Optional.of(f.name() + " differs from its record (sha256 " + f.sha256().substring(0, 12) + "… recorded, "
                            + now.substring(0, 12) + "… now)");
                }
            } catch (IOException e) {
                return Optional.of(f.name() + " cannot be read (" + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }
}
