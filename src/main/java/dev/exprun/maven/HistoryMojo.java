package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.history.HistoryOptions;
import dev.exprun.history.HistoryReport;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Lists recorded runs: from the git notes under refs/notes/exprun and the exp tags, over the history
 * HEAD contains (or all refs). JSON and CSV go to standard output unprefixed, so
 * {@code mvn -q exp:history -Dexp.format=csv > runs.csv} works.
 */
@Mojo(name = "history", threadSafe = true)
public class HistoryMojo extends AbstractExpMojo {

    /** All refs instead of HEAD's history (runs on rebased-away commits included). */
    @Parameter(property = ExpProperties.ALL, defaultValue = "false")
    private boolean all;

    /** Only runs since: a date {@code 2026-11-01}, an instant, or an age {@code 7d}, {@code 12h}, {@code 2w}. */
    @Parameter(property = ExpProperties.SINCE)
    private String since;

    /** Only runs on tagged commits. */
    @Parameter(property = ExpProperties.TAGS_ONLY, defaultValue = "false")
    private boolean tagsOnly;

    /** A metric filter in gate syntax: {@code val_acc>=0.9,loss<0.3}; a run without the metric is left out. */
    @Parameter(property = ExpProperties.WHERE)
    private String where;

    /** Sort key: {@code -val_acc} (highest first), {@code loss}, {@code date}; default newest first. */
    @Parameter(property = ExpProperties.SORT)
    private String sort;

    /** The metric columns, e.g. {@code val_acc,loss}; default the first four metrics seen. */
    @Parameter(property = ExpProperties.METRICS)
    private List<String> metrics;

    /** {@code table}, {@code json} or {@code csv}. */
    @Parameter(property = ExpProperties.FORMAT, defaultValue = "table")
    private String format;

    /** Only the trials of this sweep (its id, as exp:sweep printed it). */
    @Parameter(property = ExpProperties.SWEEP)
    private String sweep;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    protected String goal() {
        return "exp:history";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        List<String> lines = HistoryReport.lines(project.getBasedir().toPath(),
                new HistoryOptions(all, since, tagsOnly, where, sort, metrics, format, sweep), log);
        if ("table".equals(format == null ? "table" : format.trim().toLowerCase(Locale.ROOT)) && getLog().isInfoEnabled()) {
            lines.forEach(log::info);
        } else {
            // machine formats, and the table under -q (which silences [INFO]): standard output, no log prefix
            lines.forEach(System.out::println);
        }
    }
}
