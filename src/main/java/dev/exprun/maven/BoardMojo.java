package dev.exprun.maven;

import dev.exprun.branches.ExperimentBoard;
import dev.exprun.core.ExpLog;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The leaderboard of the experiment branches: one row per branch matching {@code branchPattern} (local and
 * remote-tracking), with its best run, run counts, its distance from main, and each metric's delta against main's best
 * run (else the newest exp tag on main). Reads only refs and git notes. JSON and CSV go to standard output unprefixed.
 */
@Mojo(name = "board", requiresProject = true, threadSafe = true)
public class BoardMojo extends AbstractBranchesMojo {

    /** The metric columns, e.g. {@code val_acc,loss}; default the objective and the best runs' first metrics, four in all. */
    @Parameter(property = ExpProperties.METRICS)
    private List<String> metrics;

    /** {@code table}, {@code json} or {@code csv}. */
    @Parameter(property = ExpProperties.FORMAT, defaultValue = "table")
    private String format;

    @Override
    protected String goal() {
        return "exp:board";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        List<String> lines = ExperimentBoard.lines(project.getBasedir().toPath(), selection(metrics, format));
        if ("table".equals(format == null ? "table" : format.trim().toLowerCase(Locale.ROOT)) && getLog().isInfoEnabled()) {
            lines.forEach(log::info);
        } else {
            lines.forEach(System.out::println); // machine formats, and the table under -q: standard output, no log prefix
        }
    }
}
