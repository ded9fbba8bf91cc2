package dev.exprun.workbench;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import dev.exprun.record.RecordJson;
import dev.exprun.run.RuntimeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's {@code .devcontainer/devcontainer.json} and the runtime files beside it. A file that exp:devcontainer did not
 * write (no marker) is the user's: it is never replaced unless forced, and a refusal changes nothing.
 */
public final class DevContainerFile {
    /** The marker's value, at {@code customizations.exprun.writtenBy}. */
    public static final String WRITTEN_BY = "exp:devcontainer";

    private final Path projectDir;

    public DevContainerFile(Path projectDir) {
        this.projectDir = projectDir.toAbsolutePath();
    }

    public Path path() {
        return projectDir.resolve(".devcontainer").resolve("devcontainer.json");
    }

    /** Where the plugin's Python runtime goes, mounted read-only at /exp/lib. */
    public Path lib() {
        return projectDir.resolve(DevContainer.LIB);
    }

    /** Refuses (BUILD FAILURE) when the file exists without our marker and force is off; touches nothing. */
    public void requireReplaceable(boolean force) {
        if (!force && Files.exists(path()) && !writtenByUs()) {
            throw new ExpFailure("The file " + path() + " exists and was not written by exp:devcontainer (it has no "
                    + "customizations.exprun.writtenBy marker); it is left as it is.",
                    "move it away, or replace it with -Dexp.force=true");
        }
    }

    /** True when the file parses (as JSONC: comments and trailing commas are allowed) and carries our marker. */
    boolean writtenByUs() {
        try {
            JsonNode root = RecordJson.MAPPER.reader()
                    .with(JsonReadFeature.ALLOW_JAVA_COMMENTS).with(JsonReadFeature.ALLOW_TRAILING_COMMA)
                    .readTree(Files.readAllBytes(path()));
            return root != null && WRITTEN_BY.equals(root.path("customizations").path("exprun").path("writtenBy").asText(null));
        } catch (IOException e) {
            // Unreadable as JSON (or at all): not a file we could have written, so it is the user's.
            return false;
        }
    }

    /** The runtime files first, then the JSON through a temp file and a move, so an editor never reads half a file. */
    public void write(DevContainer content) {
        try {
            Files.createDirectories(lib());
            RuntimeFiles.install(lib());
            // A copy the goal writes again, never the project's code: git must not see it, or every exp:run after this one
            // would find the tree dirty and record the runtime in its patch. (Here, not in target/: mvn clean must not take
            // away what the editor mounts.)
            Files.writeString(lib().resolve(".gitignore"), "# exp:devcontainer's copy of the plugin's runtime; written again by the goal\n*\n");
            RecordJson.writeAtomically(path(), content);
        } catch (IOException | UncheckedIOException e) {
            throw new ExpError("Cannot write " + path() + ": " + e.getMessage(), "check that " + projectDir + " is writable", e);
        }
    }
}
