package dev.exprun.maven;

import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateSettings;
import dev.exprun.run.RunDirectory;
import dev.exprun.tagging.ReleaseGates;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** Goals that judge the run of this build (exp:verify, exp:tag): its record and the metric gates. */
abstract class AbstractRunGoalMojo extends AbstractExpMojo {
    /** The project context key under which exp:run leaves the path of its record for later goals. */
    static final String RECORD_CONTEXT_KEY = "dev.exprun.record";
    /** What exp:sweep leaves under that key when it has no objective, and so no best trial to judge. */
    static final String NO_BEST_TRIAL = "exp:sweep without an objective";
    /** Where exp:verify leaves the gates it resolved, so exp:tag judges by the same baseline without reading the tags again. */
    static final String GATES_CONTEXT_KEY = "dev.exprun.gates";

    /** Gates, one per element: {@code metric operator number}, operators {@code >= > <= < == !=}. */
    @Parameter
    private List<String> gates;

    /** More gates, comma-separated: {@code -Dexp.gates="val_acc>=0.93,loss<=0.2"}. */
    @Parameter(property = ExpProperties.GATES)
    private String gatesLine;

    /**
     * The model to compare with: {@code latest} (the newest exp tag reachable from HEAD) or a tag name.
     * Its metrics come from the tag's annotation. Used with {@code maxRegression}.
     */
    @Parameter(property = ExpProperties.BASELINE)
    private String baseline;

    /** How much worse than the baseline each metric may be: {@code <maxRegression><val_acc>0.005</val_acc></maxRegression>}. */
    @Parameter
    private Map<String, String> maxRegression;

    /** More allowed regressions, comma-separated: {@code -Dexp.maxRegression="val_acc=0.005,loss=0.01"}. */
    @Parameter(property = ExpProperties.MAX_REGRESSION)
    private String maxRegressionLine;

    /** Metrics that are better higher, where the name does not say so (names with acc, f1, auc, ... do). */
    @Parameter(property = ExpProperties.HIGHER_IS_BETTER)
    private List<String> higherIsBetter;

    /** Metrics that are better lower, where the name does not say so (names with loss, error, mse, ... do). */
    @Parameter(property = ExpProperties.LOWER_IS_BETTER)
    private List<String> lowerIsBetter;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** The fixed gates and, with a baseline, one regression gate per {@code maxRegression} metric. */
    @SuppressWarnings("unchecked")
    protected List<Gate> gates(ExpLog log) {
        Object resolved = project.getContextValue(GATES_CONTEXT_KEY);
        if (resolved != null) {
            return (List<Gate>) resolved;
        }
        List<Gate> all = ReleaseGates.resolve(new GateSettings(gates, gatesLine, baseline, maxRegression, maxRegressionLine,
                higherIsBetter, lowerIsBetter), project.getBasedir().toPath(), log);
        project.setContextValue(GATES_CONTEXT_KEY, List.copyOf(all));
        return all;
    }

    /** The record exp:run wrote in this build, else target/exp/last-run.json. */
    protected Path recordPath() {
        Object fromThisBuild = project.getContextValue(RECORD_CONTEXT_KEY);
        if (NO_BEST_TRIAL.equals(fromThisBuild)) {
            // Judging whichever trial ended last would gate and tag a model nobody chose.
            throw new ExpFailure("exp:sweep ran in this build without an objective, so there is no best trial to judge or tag.",
                    "set <objective> (-Dexp.objective=val_acc) in the sweep's configuration");
        }
        return fromThisBuild != null ? Path.of(fromThisBuild.toString())
                : RunDirectory.lastRun(new File(project.getBuild().getDirectory()).toPath());
    }
}
