package dev.exprun.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The plugin's files inside every container, at {@code /exp/lib} (read-only): the Python runtime
 * {@code exprun.py} (on PYTHONPATH) and the GPU check. Copied per run, so a run dir keeps exactly the
 * runtime that ran.
 */
public final class RuntimeFiles {
    static final String PYTHON_MODULE = "exprun.py";
    private static final List<String> FILES = List.of(PYTHON_MODULE, GpuCheck.SCRIPT);
    private static volatile String version;

    private RuntimeFiles() {
    }

    public static void install(Path libDir) throws IOException {
        for (String name : FILES) {
            try (InputStream in = RuntimeFiles.class.getResourceAsStream("/dev/exprun/runtime/" + name)) {
                if (in == null) {
                    throw new IOException("the plugin jar lacks " + name);
                }
                // (replaced: exp:devcontainer refreshes its copy in place; a run's lib/ is new and empty)
                Files.copy(in, libDir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * The runtime's version as the run cache keys it: the sha256 of its files, so that a plugin whose runtime
     * changed trains again and one that changed elsewhere does not.
     */
    static String version() {
        String known = version;
        if (known == null) {
            java.security.MessageDigest digest = dev.exprun.artifacts.Sha256.newDigest();
            for (String name : FILES) {
                try (InputStream in = RuntimeFiles.class.getResourceAsStream("/dev/exprun/runtime/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the plugin jar lacks " + name);
                    }
                    digest.update((name + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    digest.update(in.readAllBytes());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            known = java.util.HexFormat.of().formatHex(digest.digest());
            version = known;
        }
        return known;
    }

    /** /exp/lib first, then what the user or else the image had. */
    public static String pythonPath(String userValue, String imageValue) {
        String rest = userValue != null ? userValue : imageValue;
        return rest == null || rest.isBlank() ? RunDirectory.CONTAINER_LIB : RunDirectory.CONTAINER_LIB + ":" + rest;
    }
}
