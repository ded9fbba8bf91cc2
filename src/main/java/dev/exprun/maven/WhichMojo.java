package dev.exprun.maven;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.which.WhichQuery;
import java.io.File;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Which run produced this file? By sha256 among the recorded outputs (run notes and exp tags), and
 * from the provenance exprun.save put in or beside it, read without unpickling anything.
 */
@Mojo(name = "which", threadSafe = true)
public class WhichMojo extends AbstractExpMojo {

    /** The file to look up, e.g. a checkpoint someone sent you. */
    @Parameter(property = ExpProperties.FILE)
    private File file;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    protected String goal() {
        return "exp:which";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        if (file == null) {
            throw new ExpError("exp:which needs the file to look up.", "name it: mvn exp:which -Dexp.file=path/to/best.pt");
        }
        WhichQuery.lines(project.getBasedir().toPath(), file.toPath()).forEach(log::info);
    }
}
