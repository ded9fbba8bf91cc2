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

    private RuntimeFiles() {
    }

    public static void install(Path libDir) throws IOException {
        for (String name : FILES) {
            try (InputStream in = RuntimeFiles.class.getResourceAsStream("/dev/exprun/runtime/" + name)) {
                if (in == null) {
                    throw new IOException("the plugin jar lacks " + name);
                }
                Files.copy(in, libDir.resolve(name));
            }
        }
    }

    /** /exp/lib first, then what the user or else the image had. */
    public static String pythonPath(String userValue, String imageValue) {
        String rest = userValue != null ? userValue : imageValue;
        return rest == null || rest.isBlank() ? RunDirectory.CONTAINER_LIB : RunDirectory.CONTAINER_LIB + ":" + rest;
    }
}
