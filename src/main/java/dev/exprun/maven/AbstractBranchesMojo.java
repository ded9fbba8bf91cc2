package dev.exprun.maven;

import dev.exprun.branches.BoardOptions;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** Goals over the experiment branches (exp:board, exp:archive): which branches, main, and the best run's objective. */
abstract class AbstractBranchesMojo extends AbstractExpMojo {

    /** The experiment branches: a glob over branch names, {@code *} within a path segment, {@code **} across. */
    @Parameter(property = ExpProperties.BRANCH_PATTERN, defaultValue = BoardOptions.DEFAULT_PATTERN)
    protected String branchPattern;

    /** The branch experiments are cut from and compared with (local, else remote-tracking). */
    @Parameter(property = ExpProperties.MAIN_BRANCH, defaultValue = BoardOptions.DEFAULT_MAIN)
    protected String mainBranch;

    /** The metric that picks each branch's best run; default: the first metric whose name says which way is better. */
    @Parameter(property = ExpProperties.OBJECTIVE)
    protected String objective;

    /** Metrics that are better higher, where the name does not say so. */
    @Parameter(property = ExpProperties.HIGHER_IS_BETTER)
    protected List<String> higherIsBetter;

    /** Metrics that are better lower, where the name does not say so. */
    @Parameter(property = ExpProperties.LOWER_IS_BETTER)
    protected List<String> lowerIsBetter;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    protected BoardOptions selection(List<String> metrics, String format) {
        return new BoardOptions(branchPattern, mainBranch, objective, trimmed(higherIsBetter), trimmed(lowerIsBetter),
                trimmed(metrics), format);
    }

    private static List<String> trimmed(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
