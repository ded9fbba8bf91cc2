package dev.exprun.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths relative to the work tree, compared through symlinks (e.g. a /tmp that is a link). */
final class WorkTreePaths {
    private final Path root;

    WorkTreePaths(Path workTree) throws IOException {
        this.root = real(workTree);
    }

    Path root() {
        return root;
    }

    /** '/'-separated path of p below the work tree, "" for the root itself, null when p is outside it. */
    String relative(Path p) throws IOException {
        Path real = real(p);
        if (!real.startsWith(root)) {
            return null;
        }
        StringBuilder relative = new StringBuilder();
        for (Path name : root.relativize(real)) {
            if (!name.toString().isEmpty()) {
                relative.append(relative.length() == 0 ? "" : "/").append(name);
            }
        }
        return relative.toString();
    }

    /**
     * Like {@link #relative}, but p lexically below base is named by its place there, so a build dir that
     * is a symlink (target -> /scratch/target) is still the "target" entry the work tree walk sees.
     */
    String relativeBelow(Path base, Path p) throws IOException {
        Path absoluteBase = base.toAbsolutePath().normalize();
        Path absolute = p.toAbsolutePath().normalize();
        String baseRelative = relative(absoluteBase);
        if (baseRelative == null || !absolute.startsWith(absoluteBase)) {
            return relative(absolute);
        }
        StringBuilder relative = new StringBuilder(baseRelative);
        for (Path name : absoluteBase.relativize(absolute)) {
            if (!name.toString().isEmpty()) {
                relative.append(relative.length() == 0 ? "" : "/").append(name);
            }
        }
        return relative.toString();
    }

    /** The real path of the deepest existing ancestor, with the rest (not yet created, e.g. target/) appended. */
    private static Path real(Path p) throws IOException {
        Path absolute = p.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        return existing.toRealPath().resolve(existing.relativize(absolute));
    }
}
