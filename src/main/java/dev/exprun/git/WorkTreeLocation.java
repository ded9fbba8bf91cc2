package dev.exprun.git;

import dev.exprun.core.ExpError;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;

/**
 * Where a project sits in its work tree, found as {@link GitProvenanceResolver} finds it but without reading the
 * state of the tree: what a container mounts at /workspace (the work tree; the project dir outside git), and the
 * project's '/'-separated path below it ("" for the root), where the container starts.
 */
public record WorkTreeLocation(Path workTree, String projectPath) {

    public static WorkTreeLocation of(Path projectDir) {
        Path project = projectDir.toAbsolutePath().normalize();
        try (Repository repo = RepositoryLocator.open(project)) {
            if (repo == null) {
                return new WorkTreeLocation(project, "");
            }
            WorkTreePaths paths = new WorkTreePaths(repo.getWorkTree().toPath());
            return new WorkTreeLocation(paths.root(), paths.relative(project));
        } catch (IOException e) {
            throw new ExpError("Cannot read the git repository of " + project + ": " + e.getMessage(),
                    "Check that `git status` works in " + project + " and that the files under .git are readable.", e);
        }
    }

    /** How many directories the project lies below the work tree's root. */
    public int depth() {
        return projectPath.isEmpty() ? 0 : projectPath.split("/").length;
    }
}
