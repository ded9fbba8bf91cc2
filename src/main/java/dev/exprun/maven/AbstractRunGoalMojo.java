package dev.exprun.maven;

import dev.exprun.gate.Gate;
import dev.exprun.run.RunDirectory;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** Goals that judge the run of this build (exp:verify, exp:tag): its record and the metric gates. */
abstract class AbstractRunGoalMojo extends AbstractExpMojo {
    /** The project context key under which exp:run leaves the path of its record for later goals. */
    static final String RECORD_CONTEXT_KEY = "dev.exprun.record";

    /** Gates, one per element: {@code metric operator number}, operators {@code >= > <= < == !=}. */
    @Parameter
    private List<String> gates;

    /** More gates, comma-separated: {@code -Dexp.gates="val_acc>=0.93,loss<=0.2"}. */
    @Parameter(property = ExpProperties.GATES)
    private String gatesLine;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    protected List<Gate> gates() {
        return Gate.parseAll(gates, gatesLine);
    }

    /** The record exp:run wrote in this build, else target/exp/last-run.json. */
    protected Path recordPath() {
        Object fromThisBuild = project.getContextValue(RECORD_CONTEXT_KEY);
        return fromThisBuild != null ? Path.of(fromThisBuild.toString())
                : RunDirectory.lastRun(new File(project.getBuild().getDirectory()).toPath());
    }
}
