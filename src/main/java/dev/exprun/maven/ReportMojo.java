package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.report.ExperimentReport;
import dev.exprun.report.ReportOptions;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Draws the experiments as one self-contained HTML page, {@code target/exp/report/index.html}: the runs table (from
 * the git notes and exp tags, as exp:history lists them) and the metric curves of the best or newest runs overlaid,
 * inline SVG, no network request of any kind.
 */
@Mojo(name = "report", threadSafe = true)
public class ReportMojo extends AbstractExpMojo {

    /** The metrics to chart and to list, e.g. {@code val_acc,loss}; default: every metric the runs logged (the table: four). */
    @Parameter(property = ExpProperties.METRICS)
    private List<String> metrics;

    /** The metric that picks the runs overlaid (the best first); default: the newest runs. */
    @Parameter(property = ExpProperties.OBJECTIVE)
    private String objective;

    /** How many runs are overlaid. */
    @Parameter(property = ExpProperties.MAX_RUNS, defaultValue = "" + ExperimentReport.DEFAULT_MAX_RUNS)
    private int maxRuns;

    /** All refs instead of HEAD's history. */
    @Parameter(property = ExpProperties.ALL, defaultValue = "false")
    private boolean all;

    /** Only runs since: a date {@code 2026-11-01}, an instant, or an age {@code 7d}, {@code 12h}, {@code 2w}. */
    @Parameter(property = ExpProperties.SINCE)
    private String since;

    /** Metrics that are better higher, where the name does not say so. */
    @Parameter(property = ExpProperties.HIGHER_IS_BETTER)
    private List<String> higherIsBetter;

    /** Metrics that are better lower, where the name does not say so. */
    @Parameter(property = ExpProperties.LOWER_IS_BETTER)
    private List<String> lowerIsBetter;

    /** Where index.html goes. */
    @Parameter(property = ExpProperties.REPORT_DIRECTORY, defaultValue = "${project.build.directory}/exp/report")
    private File reportDirectory;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    protected String goal() {
        return "exp:report";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        new ExperimentReport(log).write(project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                project.getGroupId() + ":" + project.getArtifactId(),
                new ReportOptions(metrics == null ? List.of() : metrics, objective, maxRuns, all, since,
                        higherIsBetter == null ? List.of() : higherIsBetter, lowerIsBetter == null ? List.of() : lowerIsBetter),
                reportDirectory.toPath());
    }
}
