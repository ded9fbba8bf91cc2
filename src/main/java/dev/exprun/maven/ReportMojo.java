package dev.exprun.maven;

import dev.exprun.core.ExpException;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.GateSettings;
import dev.exprun.report.ExperimentReport;
import dev.exprun.report.ReportOptions;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.doxia.sink.Sink;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.apache.maven.reporting.MavenReport;
import org.apache.maven.reporting.MavenReportException;

/**
 * Draws the experiments: the runs table (from the git notes and exp tags, as exp:history lists them), the metric
 * curves of the best or newest runs overlaid, each sweep's params against its objective, and the exp tags as a
 * timeline with the baseline's allowed regression shaded. As a goal it writes one self-contained page,
 * {@code target/exp/report/index.html} (or one SVG per chart with {@code format=svg}), inline SVG, no network request
 * of any kind. As a report in {@code <reporting>} it is the site's "Experiments" page (maven-site-plugin 3.20 or newer).
 */
@Mojo(name = "report", threadSafe = true)
public class ReportMojo extends AbstractExpMojo implements MavenReport {

    /** The metrics to chart and to list, e.g. {@code val_acc,loss}; default: every metric the runs logged (the table: four). */
    @Parameter(property = ExpProperties.METRICS)
    private List<String> metrics;

    /** The metric that picks the runs overlaid (the best first) and each sweep's best trial; default: the newest runs. */
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

    /** Only runs on these branches: names or globs ({@code exp/*}); every ref is read then. Default: every branch. */
    @Parameter(property = ExpProperties.BRANCHES)
    private List<String> branches;

    /** {@code html}: one page, index.html; {@code svg}: each chart as its own .svg file. */
    @Parameter(property = ExpProperties.FORMAT, defaultValue = "html")
    private String format;

    /** The tag the timeline draws as the baseline; default: the newest exp tag reachable from HEAD. */
    @Parameter(property = ExpProperties.BASELINE)
    private String baseline;

    /** How much worse than the baseline each metric may be, shaded on the timeline (exp:verify's gates). */
    @Parameter
    private Map<String, String> maxRegression;

    /** More allowed regressions, comma-separated: {@code -Dexp.maxRegression="val_acc=0.005,loss=0.01"}. */
    @Parameter(property = ExpProperties.MAX_REGRESSION)
    private String maxRegressionLine;

    /** Metrics that are better higher, where the name does not say so. */
    @Parameter(property = ExpProperties.HIGHER_IS_BETTER)
    private List<String> higherIsBetter;

    /** Metrics that are better lower, where the name does not say so. */
    @Parameter(property = ExpProperties.LOWER_IS_BETTER)
    private List<String> lowerIsBetter;

    /** Where index.html (or the SVG files) go. */
    @Parameter(property = ExpProperties.REPORT_DIRECTORY, defaultValue = "${project.build.directory}/exp/report")
    private File reportDirectory;

    /** Attaches index.html to the build as {@code exp-report} (html), so install and deploy publish it. */
    @Parameter(property = ExpProperties.ATTACH_REPORT, defaultValue = "false")
    private boolean attach;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    private final MavenProjectHelper projectHelper;

    /** Where the site plugin wants its pages; set by it, unused by the goal. */
    private File siteDirectory;

    @Inject
    public ReportMojo(MavenProjectHelper projectHelper) {
        this.projectHelper = projectHelper;
    }

    @Override
    protected String goal() {
        return "exp:report";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        ReportOptions options = options();
        Path written = new ExperimentReport(log).write(project.getBasedir().toPath(), buildDirectory(), coordinates(), options,
                reportDirectory.toPath());
        if (attach) {
            if (options.format() != ReportOptions.Format.HTML) {
                log.warn("exp:report: attach takes the html page; with format=svg there is none, so nothing is attached");
                return;
            }
            projectHelper.attachArtifact(project, "html", "exp-report", written.toFile());
            log.info("Attached " + written.getFileName() + " as exp-report (html)");
        }
    }

    private ReportOptions options() {
        GateSettings regressions = new GateSettings(List.of(), null, baseline, maxRegression, maxRegressionLine, higherIsBetter, lowerIsBetter);
        return new ReportOptions(metrics == null ? List.of() : metrics, objective, maxRuns, all, since, regressions.higher(),
                regressions.lower(), branches == null ? List.of() : branches, ReportOptions.Format.parse(format), baseline,
                regressions.maxRegressions());
    }

    private Path buildDirectory() {
        return new File(project.getBuild().getDirectory()).toPath();
    }

    private String coordinates() {
        return project.getGroupId() + ":" + project.getArtifactId();
    }

    // The site report: the same content inside the site's skin, written through Doxia's Sink as raw HTML (inline SVG).

    @Override
    public void generate(Sink sink, Locale locale) throws MavenReportException {
        if (skip) {
            getLog().info("Skipping the Experiments report (" + ExpProperties.SKIP + "=true)");
            return;
        }
        String body;
        try {
            body = new ExperimentReport(new MavenExpLog(getLog())).body(project.getBasedir().toPath(), buildDirectory(), coordinates(), options());
        } catch (ExpException e) {
            throw new MavenReportException(e.describe(), e);
        }
        sink.head();
        sink.title();
        sink.text("Experiments");
        sink.title_();
        sink.head_();
        sink.body();
        sink.section1();
        sink.sectionTitle1();
        sink.text("Experiments: " + coordinates());
        sink.sectionTitle1_();
        sink.rawText(body);
        sink.section1_();
        sink.body_();
        sink.flush();
        sink.close();
    }

    @Override
    public String getOutputName() {
        return "experiments";
    }

    @Override
    public String getCategoryName() {
        return CATEGORY_PROJECT_REPORTS;
    }

    @Override
    public String getName(Locale locale) {
        return "Experiments";
    }

    @Override
    public String getDescription(Locale locale) {
        return "The experiments' runs, metric curves, sweeps and exp tags, drawn by exp:report.";
    }

    @Override
    public void setReportOutputDirectory(File outputDirectory) {
        this.siteDirectory = outputDirectory;
    }

    @Override
    public File getReportOutputDirectory() {
        return siteDirectory;
    }

    @Override
    public boolean isExternalReport() {
        return false;
    }

    @Override
    public boolean canGenerateReport() {
        return true;
    }
}
