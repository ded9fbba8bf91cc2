package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateCheck;
import dev.exprun.gate.GateResult;
import dev.exprun.record.RunRecord;
import dev.exprun.run.RunDirectory;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Gates the build on the run's metrics: {@code <gates><gate>val_acc &gt;= 0.93</gate></gates>}.
 * A metric missing from the run is a failed gate. Reads the record exp:run wrote in this build, else
 * {@code target/exp/last-run.json}.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyMojo extends AbstractExpMojo {
    /** The project context key under which exp:run leaves the path of its record for later goals. */
    static final String RECORD_CONTEXT_KEY = "dev.exprun.record";

    /** Gates, one per element: {@code metric operator number}, operators {@code >= > <= < == !=}. */
    @Parameter
    private List<String> gates;

    /** More gates, comma-separated: {@code -Dexp.gates="val_acc>=0.93,loss<=0.2"}. */
    @Parameter(property = ExpProperties.GATES)
    private String gatesLine;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    protected String goal() {
        return "exp:verify";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        List<Gate> all = Gate.parseAll(gates, gatesLine);
        if (all.isEmpty()) {
            log.info("No gates configured; nothing to verify");
            return;
        }
        RunRecord run = GateCheck.readRun(recordPath());
        List<GateResult> results = GateCheck.evaluate(all, run.metrics());
        log.info("Gates for run " + run.runId() + ":");
        GateCheck.table(results).forEach(line -> log.info("  " + line));
        GateCheck.requirePassed(run.runId(), results);
    }

    private Path recordPath() {
        Object fromThisBuild = project.getContextValue(RECORD_CONTEXT_KEY);
        return fromThisBuild != null ? Path.of(fromThisBuild.toString())
                : RunDirectory.lastRun(new File(project.getBuild().getDirectory()).toPath());
    }
}
