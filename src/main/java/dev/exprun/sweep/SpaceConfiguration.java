package dev.exprun.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The search space as the user wrote it, before any checking. Any field may be null or empty.
 *
 * @param line    {@code -Dexp.sweep}, e.g. {@code lr=0.1,0.01;hidden=64,128}; when not blank it replaces
 *                {@code grid} and {@code random}
 * @param grid    {@code <sweep><grid>}, name to comma list, in the order written (pass a LinkedHashMap)
 * @param random  {@code <sweep><random>}, name to distribution or constant, in the order written
 * @param trials  {@code <sweep><trials>} or {@code -Dexp.trials}, already resolved; each {@code a=1;b=2}
 * @param samples {@code <sweep><samples>} / {@code -Dexp.samples}
 * @param seed    {@code <sweep><seed>} / {@code -Dexp.sweepSeed}
 */
public record SpaceConfiguration(String line, Map<String, String> grid, Map<String, String> random,
        List<String> trials, String samples, String seed) {

    /**
     * The POM's {@code <sweep>} (its line null) with the command line over it: {@code -Dexp.sweep} replaces the
     * grid and random space, {@code -Dexp.trials} the trials, {@code -Dexp.samples} and {@code -Dexp.sweepSeed}
     * their elements; a blank or absent property leaves the POM's value.
     */
    public static SpaceConfiguration overridden(SpaceConfiguration pom, String line, String trialsLine, String samples, String seed) {
        return new SpaceConfiguration(line, pom.grid(), pom.random(),
                trialsLine != null && !trialsLine.isBlank() ? splitTrials(trialsLine) : pom.trials() == null ? List.of() : pom.trials(),
                samples != null ? samples : pom.samples(), seed != null ? seed : pom.seed());
    }

    /**
     * Splits {@code -Dexp.trials="lr=0.1;hidden=64|lr=0.01;hidden=128"} into trials. Empty pieces are kept
     * so that parsing refuses them: dropping one would silently change the number of runs.
     */
    public static List<String> splitTrials(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> trials = new ArrayList<>();
        for (String trial : value.split("\\|", -1)) {
            trials.add(trial.trim());
        }
        return List.copyOf(trials);
    }
}
