package dev.exprun.maven;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.history.HistoryReport;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Two recorded runs side by side: params, metrics with deltas, image, engine, GPUs, dirty state and
 * the code between their commits. A run is named by run id (or a unique prefix), tag or commit.
 */
@Mojo(name = "compare", threadSafe = true)
public class CompareMojo extends AbstractExpMojo {

    /** The first run: run id, tag or commit (a tag or commit means its newest run). */
    @Parameter(property = ExpProperties.A)
    private String a;

    /** The second run, named the same ways; default HEAD's newest run. */
    @Parameter(property = ExpProperties.B, defaultValue = "HEAD")
    private String b;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    protected String goal() {
        return "exp:compare";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        if (a == null || a.isBlank()) {
            throw new ExpError("exp:compare needs the runs to compare.",
                    "name them: mvn exp:compare -Dexp.a=v1.0-prod-ready -Dexp.b=HEAD (run ids, tags or commits; exp:history lists them)");
        }
        HistoryReport.compare(project.getBasedir().toPath(), a, b).forEach(log::info);
    }
}
