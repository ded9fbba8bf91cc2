package dev.exprun.gate;

import dev.exprun.core.ExpError;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a metric improves upwards (accuracy) or downwards (loss). The user's lists win; otherwise
 * the metric name's words decide. A name that says nothing, or both, is refused rather than guessed:
 * a baseline gate with the wrong direction would pass exactly the regressions it exists to stop.
 */
public enum MetricDirection {
    HIGHER_IS_BETTER, LOWER_IS_BETTER;

    /** Words that mean "lower is better" wherever they appear in a metric's name. */
    public static final Set<String> LOWER_WORDS = Set.of("loss", "error", "err", "mse", "mae", "rmse", "nll", "perplexity",
            "ppl", "wer", "cer", "fid", "eer", "fpr", "fnr", "latency", "time", "seconds", "duration", "cost", "regret", "distance");
    /** Words that mean "higher is better". */
    public static final Set<String> HIGHER_WORDS = Set.of("acc", "accuracy", "f1", "precision", "recall", "auc", "auroc", "map",
            "bleu", "rouge", "iou", "miou", "dice", "r2", "top1", "top5", "ndcg", "mrr", "psnr", "ssim", "reward", "kappa", "mcc");

    public static MetricDirection of(String metric, Collection<String> higherIsBetter, Collection<String> lowerIsBetter) {
        boolean higher = higherIsBetter.contains(metric);
        boolean lower = lowerIsBetter.contains(metric);
        if (higher && lower) {
            throw new ExpError("The metric '" + metric + "' is in both <higherIsBetter> and <lowerIsBetter>.", "keep it in one of them");
        }
        if (higher || lower) {
            return higher ? HIGHER_IS_BETTER : LOWER_IS_BETTER;
        }
        List<String> words = words(metric);
        boolean saysLower = words.stream().anyMatch(LOWER_WORDS::contains);
        boolean saysHigher = words.stream().anyMatch(HIGHER_WORDS::contains);
        if (saysLower == saysHigher) {
            throw new ExpError("Cannot tell from its name whether the metric '" + metric + "' is better higher or lower"
                    + (saysLower ? " (its name says both)." : "."),
                    "list it in <higherIsBetter> or <lowerIsBetter> (-Dexp.higherIsBetter=" + metric + " or -Dexp.lowerIsBetter=" + metric + ")");
        }
        return saysLower ? LOWER_IS_BETTER : HIGHER_IS_BETTER;
    }

    /**
     * An objective when none is configured: the first of the metric names (sorted) whose name says which way is
     * better; null when none does. Only for choosing what to show (a report's best trial, a board's best run), never
     * for a gate.
     */
    public static String guessObjective(Collection<String> metricNames, Collection<String> higherIsBetter,
            Collection<String> lowerIsBetter) {
        return metricNames.stream().distinct().sorted().filter(m -> {
            try {
                of(m, higherIsBetter, lowerIsBetter);
                return true;
            } catch (ExpError e) {
                return false;
            }
        }).findFirst().orElse(null);
    }

    /** val_acc, valAcc, eval/top1-acc: split on anything not a letter or digit, and on camelCase. */
    static List<String> words(String metric) {
        String spaced = metric.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
        return Arrays.stream(spaced.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")).filter(w -> !w.isEmpty())
                .collect(Collectors.toList());
    }
}
