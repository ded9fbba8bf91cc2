package dev.exprun.sweep;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.exprun.core.ExpError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checked search space of {@code exp:sweep} and its trials. Every mistake is refused here, before the
 * first trial runs: a sweep that stops halfway on a typo wastes the hours already spent.
 */
public final class SearchSpace {
    /** More trials than this is nearly always a grid that multiplied further than meant. */
    public static final int MAX_TRIALS = 10_000;
    private static final String SAMPLES_FIX = "set <sweep><samples> (-Dexp.samples) to the number of trials to draw";

    public enum Kind {
        GRID("grid"), RANDOM("random"), LIST("list");

        private final String json;

        Kind(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }
    }

    private final Kind kind;
    private final List<Dimension> dimensions;
    private final List<Map<String, String>> trials;
    private final Integer samples;
    private final Long seed;

    private SearchSpace(Kind kind, List<Dimension> dimensions, List<Map<String, String>> trials, Integer samples,
            Long seed) {
        this.kind = kind;
        this.dimensions = List.copyOf(dimensions);
        this.trials = trials;
        this.samples = samples;
        this.seed = seed;
    }

    public static SearchSpace parse(SpaceConfiguration c) {
        List<String> listed = c.trials() == null ? List.of() : c.trials();
        List<Dimension> dimensions = dimensions(c);
        if (!dimensions.isEmpty() && !listed.isEmpty()) {
            throw new ExpError("The sweep gives both the space '" + texts(dimensions, "; ") + "' and "
                    + count(listed.size(), "explicit trial") + ".", "use either <sweep><grid>/<sweep><random> (-Dexp.sweep)"
                    + " or <sweep><trials> (-Dexp.trials), not both");
        }
        if (listed.isEmpty() && dimensions.isEmpty()) {
            throw new ExpError("The sweep has no search space: <sweep><grid>, <sweep><random>, <sweep><trials>,"
                    + " -Dexp.sweep and -Dexp.trials are all empty.",
                    "describe the params to sweep in <sweep><grid>, <sweep><random> or <sweep><trials>,"
                            + " or with -Dexp.sweep=\"lr=0.1,0.01;hidden=64,128\"");
        }
        if (!listed.isEmpty()) {
            return list(listed, c);
        }
        return dimensions.stream().anyMatch(Dimension::isDrawn) ? random(dimensions, c) : grid(dimensions, c);
    }

    /** The command line replaces the POM's space entirely, as -Dexp.command replaces <command>. */
    private static List<Dimension> dimensions(SpaceConfiguration c) {
        List<Dimension> dimensions = new ArrayList<>();
        if (c.line() != null && !c.line().isBlank()) {
            dimensions.addAll(SpaceSyntax.line(c.line()));
        } else {
            dimensions.addAll(fromGrid(c.grid()));
            dimensions.addAll(fromRandom(c.random()));
        }
        Set<String> seen = new HashSet<>();
        for (Dimension dimension : dimensions) {
            if (!seen.add(dimension.name())) {
                throw new ExpError("The sweep dimension '" + dimension.name() + "' is given twice.",
                        "give each param once, with all its values together (" + dimension.name() + "=0.1,0.01), in "
                                + SpaceSyntax.SPACE);
            }
        }
        return dimensions;
    }

    private static List<Dimension> fromGrid(Map<String, String> grid) {
        List<Dimension> dimensions = new ArrayList<>();
        if (grid != null) {
            grid.forEach((name, spec) -> {
                Dimension dimension = SpaceSyntax.dimension(name, spec);
                if (dimension.isDrawn()) {
                    throw new ExpError("The <sweep><grid> entry '" + dimension.text() + "' is a distribution, but a grid"
                            + " lists values.", "move <" + dimension.name() + "> to <sweep><random>, or list values"
                            + " such as 0.1,0.01 (-Dexp.sweep takes both kinds)");
                }
                dimensions.add(dimension);
            });
        }
        return dimensions;
    }

    private static List<Dimension> fromRandom(Map<String, String> random) {
        List<Dimension> dimensions = new ArrayList<>();
        if (random != null) {
            random.forEach((name, spec) -> dimensions.add(SpaceSyntax.dimension(name, spec)));
        }
        if (!dimensions.isEmpty() && dimensions.stream().noneMatch(Dimension::isDrawn)) {
            throw new ExpError("The <sweep><random> entries '" + texts(dimensions, "; ") + "' draw nothing at random.",
                    "make one a distribution such as uniform(0,1), or move them to <sweep><grid>"
                            + " (-Dexp.sweep takes both kinds)");
        }
        return dimensions;
    }

    private static SearchSpace grid(List<Dimension> dimensions, SpaceConfiguration c) {
        String what = "the grid '" + texts(dimensions, " x ") + "'";
        nothingToDraw(c, what);
        BigInteger count = BigInteger.ONE;
        for (Dimension dimension : dimensions) {
            count = count.multiply(BigInteger.valueOf(dimension.values().size()));
        }
        if (count.compareTo(BigInteger.valueOf(MAX_TRIALS)) > 0) {
            throw new ExpError("The grid '" + texts(dimensions, " x ") + "' has " + count + " trials, more than the "
                    + max() + " a sweep may run.", "narrow the grid in <sweep><grid> (-Dexp.sweep), or use"
                    + " <sweep><random> with <sweep><samples> (-Dexp.samples)");
        }
        return new SearchSpace(Kind.GRID, dimensions, TrialExpansion.grid(dimensions), null, null);
    }

    private static SearchSpace random(List<Dimension> dimensions, SpaceConfiguration c) {
        for (Dimension dimension : dimensions) {
            if (!dimension.isDrawn() && dimension.values().size() > 1) {
                throw new ExpError("The sweep mixes the list '" + dimension.text() + "' with random distributions.",
                        "draw it at random with " + dimension.name() + "=choice(" + dimension.spec() + "), in "
                                + "<sweep><random> or -Dexp.sweep");
            }
        }
        int samples = samples(c.samples(), texts(dimensions, "; "));
        long seed = seed(c.seed());
        return new SearchSpace(Kind.RANDOM, dimensions, TrialExpansion.random(dimensions, samples, seed), samples, seed);
    }

    private static SearchSpace list(List<String> listed, SpaceConfiguration c) {
        nothingToDraw(c, "the list of " + count(listed.size(), "trial"));
        if (listed.size() > MAX_TRIALS) {
            throw new ExpError("The sweep lists " + listed.size() + " trials, more than the " + max() + " a sweep may run.",
                    "split the trials in <sweep><trials> (-Dexp.trials) across several sweeps");
        }
        List<Map<String, String>> trials = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            trials.add(SpaceSyntax.trial(i + 1, listed.get(i)));
        }
        return new SearchSpace(Kind.LIST, List.of(), TrialExpansion.frozen(trials), null, null);
    }

    /** Samples or a seed without a distribution mean the user expects randomness the sweep will not give. */
    private static void nothingToDraw(SpaceConfiguration c, String what) {
        if (!blank(c.samples())) {
            throw new ExpError("The samples '" + c.samples().trim() + "' are set but " + what + " has nothing to draw.",
                    "remove <sweep><samples> (-Dexp.samples), or draw a param from a distribution in <sweep><random>"
                            + " or -Dexp.sweep, e.g. lr=uniform(0,1)");
        }
        if (!blank(c.seed())) {
            throw new ExpError("The sweep seed '" + c.seed().trim() + "' is set but " + what + " has nothing to draw.",
                    "remove <sweep><seed> (-Dexp.sweepSeed), or draw a param from a distribution in <sweep><random>"
                            + " or -Dexp.sweep, e.g. lr=uniform(0,1)");
        }
    }

    private static int samples(String samples, String space) {
        if (blank(samples)) {
            throw new ExpError("The random space '" + space + "' has no number of samples.", SAMPLES_FIX);
        }
        String value = samples.trim();
        if (!value.matches("\\d+") || new BigInteger(value).signum() == 0) {
            throw new ExpError("The number of samples '" + value + "' is not a positive whole number.", SAMPLES_FIX);
        }
        if (new BigInteger(value).compareTo(BigInteger.valueOf(MAX_TRIALS)) > 0) {
            throw new ExpError("The number of samples '" + value + "' is more than the " + max() + " trials a sweep may"
                    + " run.", "set <sweep><samples> (-Dexp.samples) to " + MAX_TRIALS + " or less");
        }
        return Integer.parseInt(value);
    }

    private static long seed(String seed) {
        if (blank(seed)) {
            return 0;
        }
        try {
            return Long.parseLong(seed.trim());
        } catch (NumberFormatException e) {
            throw new ExpError("The sweep seed '" + seed.trim() + "' is not a whole number.",
                    "set <sweep><seed> (-Dexp.sweepSeed) to a whole number such as 42");
        }
    }

    public Kind kind() {
        return kind;
    }

    /** One param set per trial, in trial order; values exactly as they are to be passed. */
    public List<Map<String, String>> trials() {
        return trials;
    }

    public List<String> names() {
        if (kind != Kind.LIST) {
            return dimensions.stream().map(Dimension::name).toList();
        }
        Set<String> names = new LinkedHashSet<>();
        trials.forEach(trial -> names.addAll(trial.keySet()));
        return List.copyOf(names);
    }

    /** A swept param that -Dexp.param.NAME also fixes would either be ignored or break the sweep. */
    public void refuseOverridden(Set<String> commandLineParams) {
        List<String> both = names().stream().filter(commandLineParams::contains).toList();
        if (!both.isEmpty()) {
            String first = both.get(0);
            throw new ExpError("The swept param" + (both.size() == 1 ? " " : "s ") + quoted(both) + " "
                    + (both.size() == 1 ? "is" : "are") + " also fixed by "
                    + both.stream().map(n -> "-Dexp.param." + n).collect(Collectors.joining(", ")) + ".",
                    "drop -Dexp.param." + first + ", or take '" + first + "' out of the sweep"
                            + " (<sweep> or -Dexp.sweep/-Dexp.trials)");
        }
    }

    public String describe() {
        return switch (kind) {
            case GRID -> "grid " + texts(dimensions, " x ") + ": " + count(trials.size(), "trial");
            case RANDOM -> "random " + texts(dimensions, "; ") + ": " + count(samples, "sample") + ", seed " + seed;
            case LIST -> "list: " + count(trials.size(), "trial");
        };
    }

    /** The sweep record's "space". */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", kind.json());
        if (kind == Kind.LIST) {
            json.put("trials", trials);
            return json;
        }
        Map<String, Object> dims = new LinkedHashMap<>();
        dimensions.forEach(d -> dims.put(d.name(), d.json()));
        json.put("dimensions", dims);
        if (kind == Kind.RANDOM) {
            json.put("samples", samples);
            json.put("seed", seed);
        }
        return json;
    }

    /** "t01".."t24", "t001" from 100 trials on, so labels sort as they ran. */
    public static String trialLabel(int number, int total) {
        int width = Math.max(2, Integer.toString(total).length());
        return "t" + String.format(Locale.ROOT, "%0" + width + "d", number);
    }

    private static String texts(List<Dimension> dimensions, String separator) {
        return dimensions.stream().map(Dimension::text).collect(Collectors.joining(separator));
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String max() {
        return String.format(Locale.ROOT, "%,d", MAX_TRIALS);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
