package dev.exprun.cache;

import dev.exprun.core.ExpError;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The {@code cacheInputs} globs: which paths of the project directory the training reads ({@code train.py},
 * {@code src/**}, {@code configs/*.yaml}). {@code *} stays within a directory, {@code **} crosses them; a plain
 * name ({@code src}, {@code src/}) takes everything under it, as git's pathspecs do.
 */
public final class InputGlobs implements Predicate<String> {
    private final List<String> globs;
    private final List<Predicate<String>> matchers;

    private InputGlobs(List<String> globs, List<Predicate<String>> matchers) {
        this.globs = globs;
        this.matchers = matchers;
    }

    /** The globs, checked; an empty list: none (the whole work tree counts). */
    public static InputGlobs parse(List<String> values) {
        List<String> globs = new ArrayList<>();
        List<Predicate<String>> matchers = new ArrayList<>();
        for (String raw : values == null ? List.<String>of() : values) {
            for (String part : raw == null ? new String[0] : raw.split(",")) {
                String glob = part.trim();
                if (glob.isEmpty()) {
                    continue;
                }
                if (glob.startsWith("/") || glob.startsWith("../") || glob.contains("/../") || glob.contains("\\")) {
                    throw new ExpError("The cacheInputs glob '" + glob + "' is not a path inside the project directory.",
                            "write it relative to the project directory with '/', e.g. src/** or train.py");
                }
                globs.add(glob);
                matchers.add(matcher(glob));
            }
        }
        return new InputGlobs(List.copyOf(globs), List.copyOf(matchers));
    }

    private static Predicate<String> matcher(String glob) {
        String plain = glob.endsWith("/") ? glob.substring(0, glob.length() - 1) : glob;
        if (!plain.matches(".*[*?\\[\\]{}].*")) {
            return path -> path.equals(plain) || path.startsWith(plain + "/");
        }
        try {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + plain);
            return path -> m.matches(Path.of(path));
        } catch (IllegalArgumentException e) { // PatternSyntaxException among them
            throw new ExpError("The cacheInputs glob '" + glob + "' is not a valid glob: " + e.getMessage(),
                    "use * (within a directory), ** (across directories), ? and [abc], e.g. src/** or configs/*.yaml");
        }
    }

    public boolean isEmpty() {
        return globs.isEmpty();
    }

    public List<String> globs() {
        return globs;
    }

    @Override
    public boolean test(String projectRelativePath) {
        return matchers.stream().anyMatch(m -> m.test(projectRelativePath));
    }
}
