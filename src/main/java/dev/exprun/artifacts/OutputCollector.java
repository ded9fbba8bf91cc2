package dev.exprun.artifacts;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the files to attach in a run's output dir. Without declared outputs, the usual checkpoint
 * files are attached. Nothing outside the output dir is ever attached, symlinks included.
 */
public final class OutputCollector {
    public static final List<String> CHECKPOINT_EXTENSIONS = List.of("pt", "pth", "ckpt", "safetensors", "onnx");
    static final String DEFAULT_CLASSIFIER = "model";
    private static final String RESERVED_PREFIX = "exp-";
    /** exprun's own reports (.exprun/runtime.json) go into the record, never out as outputs. */
    public static final String RUNTIME_DIR = ".exprun";

    public List<CollectedOutput> collect(Path outDir, List<OutputSpec> specs) {
        List<Path> files = listFiles(outDir);
        List<CollectedOutput> collected = new ArrayList<>();
        Set<String> classifiers = new HashSet<>();
        if (specs.isEmpty()) {
            List<Path> checkpoints = files.stream().filter(f -> CHECKPOINT_EXTENSIONS.contains(extension(f))).toList();
            addAll(outDir, checkpoints, DEFAULT_CLASSIFIER, null, collected, classifiers);
            return collected;
        }
        for (OutputSpec spec : specs) {
            validate(spec);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + spec.pattern());
            List<Path> matches = files.stream().filter(f -> matcher.matches(outDir.relativize(f))).toList();
            if (matches.isEmpty() && !spec.optional()) {
                throw new ExpFailure("The declared output '" + spec.pattern() + "' (classifier " + spec.classifier()
                        + ") matched no file in " + outDir + ".",
                        "make the training write it under $EXP_OUTPUT_DIR, fix the pattern, or mark the output <optional>true</optional>");
            }
            addAll(outDir, matches, spec.classifier(), spec.type(), collected, classifiers);
        }
        return collected;
    }

    /** Checked before the run starts too: a typo must not cost a training's worth of time. */
    public static void validate(OutputSpec spec) {
        String fix = "give each <output> a <pattern> relative to the output dir and a <classifier> of letters, digits, '.', '_' or '-'";
        if (spec.pattern() == null || spec.pattern().isBlank() || spec.pattern().startsWith("/")
                || Path.of(spec.pattern().replace('*', 'x').replace('?', 'x')).normalize().startsWith("..")) {
            throw new ExpError("The output pattern '" + spec.pattern() + "' must be relative to the output dir and stay inside it.", fix);
        }
        if (spec.classifier() == null || !spec.classifier().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new ExpError("The output classifier '" + spec.classifier() + "' for '" + spec.pattern() + "' is not valid.", fix);
        }
        if (spec.classifier().startsWith(RESERVED_PREFIX)) {
            throw new ExpError("The output classifier '" + spec.classifier() + "' starts with 'exp-', which the plugin reserves"
                    + " for its own artifacts.", "choose another classifier, e.g. 'model'");
        }
    }

    private static void addAll(Path outDir, List<Path> matches, String classifier, String type,
                               List<CollectedOutput> into, Set<String> classifiers) {
        for (Path file : matches) {
            String relative = relative(outDir, file);
            String finalClassifier = matches.size() == 1 ? classifier : classifier + "-" + suffix(relative);
            if (!classifiers.add(finalClassifier)) {
                throw new ExpError("Two outputs would be attached with the classifier '" + finalClassifier + "' (the second is "
                        + relative + ").", "give the <output> entries distinct classifiers or narrower patterns");
            }
            Path real = insideOrRefuse(outDir, file, relative);
            try {
                into.add(new CollectedOutput(real, relative, finalClassifier, type == null || type.isBlank() ? extensionOrBin(file) : type,
                        Files.size(real), Sha256.of(real)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the output " + file, e);
            }
        }
    }

    private static Path insideOrRefuse(Path outDir, Path file, String relative) {
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(outDir.toRealPath()) || !Files.isRegularFile(real)) {
                throw new ExpFailure("The output " + relative + " points outside the output dir (to " + real
                        + "); it is not attached.", "write the file itself under $EXP_OUTPUT_DIR instead of a link to it");
            }
            return real;
        } catch (IOException e) {
            throw new ExpFailure("The output " + relative + " is a broken link.", "write the file itself under $EXP_OUTPUT_DIR", e);
        }
    }

    private static List<Path> listFiles(Path outDir) {
        if (!Files.isDirectory(outDir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(outDir)) {
            Path runtime = outDir.resolve(RUNTIME_DIR);
            return walk.filter(p -> !p.startsWith(runtime)).filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + outDir, e);
        }
    }

    private static String relative(Path outDir, Path file) {
        return outDir.relativize(file).toString().replace('\\', '/');
    }

    /** "checkpoints/epoch3.pt" -> "epoch3": the base name tells several matches apart. */
    static String suffix(String relative) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    private static String extensionOrBin(Path file) {
        String ext = extension(file);
        return ext.isEmpty() ? "bin" : ext;
    }
}
