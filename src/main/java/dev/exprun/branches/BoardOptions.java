package dev.exprun.branches;

import java.util.List;

/**
 * What exp:board shows: the branches matching branchPattern ({@code exp/*}), compared with mainBranch; the best run of
 * each by objective (empty: guessed from the metric names, as exp:report does), the metric columns (empty: the objective
 * and the best runs' first metrics, up to four) and the format ({@code table}, {@code json}, {@code csv}).
 */
public record BoardOptions(String branchPattern, String mainBranch, String objective, List<String> higherIsBetter,
                           List<String> lowerIsBetter, List<String> metrics, String format) {
    public static final String DEFAULT_PATTERN = "exp/*";
    public static final String DEFAULT_MAIN = "main";

    public BoardOptions {
        branchPattern = branchPattern == null || branchPattern.isBlank() ? DEFAULT_PATTERN : branchPattern.trim();
        mainBranch = mainBranch == null || mainBranch.isBlank() ? DEFAULT_MAIN : mainBranch.trim();
        higherIsBetter = higherIsBetter == null ? List.of() : higherIsBetter;
        lowerIsBetter = lowerIsBetter == null ? List.of() : lowerIsBetter;
        metrics = metrics == null ? List.of() : metrics;
    }
}
