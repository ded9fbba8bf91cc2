package dev.exprun.sweep;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.record.RecordJson;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    // ---- grid

    @Test
    void aGridIsTheProductWithTheFirstDimensionVaryingSlowest() {
        SearchSpace space = SearchSpace.parse(line(" lr = 0.1, 0.01 ,0.001 ; hidden=64,128;"));
        assertEquals(SearchSpace.Kind.GRID, space.kind());
        assertEquals(List.of("lr", "hidden"), space.names());
        assertEquals(List.of(
                Map.of("lr", "0.1", "hidden", "64"), Map.of("lr", "0.1", "hidden", "128"),
                Map.of("lr", "0.01", "hidden", "64"), Map.of("lr", "0.01", "hidden", "128"),
                Map.of("lr", "0.001", "hidden", "64"), Map.of("lr", "0.001", "hidden", "128")), space.trials());
        assertEquals(List.of("lr", "hidden"), List.copyOf(space.trials().get(0).keySet()));
        assertEquals("grid lr=0.1,0.01,0.001 x hidden=64,128: 6 trials", space.describe());
    }

    @Test
    void thePomGridKeepsTheOrderWrittenAndASingleValueIsAConstant() {
        Map<String, String> grid = new LinkedHashMap<>();
        grid.put("hidden", "64,128");
        grid.put("lr", "0.10,0.01");
        grid.put("epochs", "3");
        SearchSpace space = SearchSpace.parse(new SpaceConfiguration(null, grid, null, null, null, null));
        assertEquals(List.of("hidden", "lr", "epochs"), space.names());
        assertEquals(List.of("64", "64", "128", "128"), column(space, "hidden"));
        assertEquals(List.of("0.10", "0.01", "0.10", "0.01"), column(space, "lr"), "values are passed exactly as written");
        assertEquals(List.of("3", "3", "3", "3"), column(space, "epochs"));
        assertEquals("grid hidden=64,128 x lr=0.10,0.01 x epochs=3: 4 trials", space.describe());
    }

    @Test
    void theCommandLineReplacesThePomSpaceEntirely() {
        SpaceConfiguration c = new SpaceConfiguration("batch=32,64", Map.of("lr", "0.1,0.2"),
                Map.of("dropout", "uniform(0,0.5)"), null, null, null);
        SearchSpace space = SearchSpace.parse(c);
        assertEquals(SearchSpace.Kind.GRID, space.kind());
        assertEquals(List.of("batch"), space.names());
        assertEquals(List.of(Map.of("batch", "32"), Map.of("batch", "64")), space.trials());
        // A blank line leaves the POM in charge.
        SearchSpace pom = SearchSpace.parse(new SpaceConfiguration("  ", Map.of("lr", "0.1,0.2"), null, null, null, null));
        assertEquals(List.of("lr"), pom.names());
    }

    @Test
    void exactlyTenThousandTrialsAreAllowed() {
        String hundred = IntStream.range(0, 100).mapToObj(Integer::toString).collect(Collectors.joining(","));
        assertEquals(10_000, SearchSpace.parse(line("a=" + hundred + ";b=" + hundred)).trials().size());
    }

    // ---- random

    @Test
    void uniformStaysWithinItsBoundsIsCompactAndFollowsTheSeed() {
        SearchSpace space = SearchSpace.parse(random("x=uniform(-1,2)", "200", "7"));
        assertEquals(SearchSpace.Kind.RANDOM, space.kind());
        assertEquals(200, space.trials().size());
        for (String v : column(space, "x")) {
            double x = Double.parseDouble(v);
            assertTrue(x >= -1 && x <= 2, v);
            assertTrue(new BigDecimal(v).precision() <= 6, v);
        }
        assertEquals(space.trials(), SearchSpace.parse(random("x=uniform(-1,2)", "200", "7")).trials());
        assertNotEquals(space.trials(), SearchSpace.parse(random("x=uniform(-1,2)", "200", "8")).trials());
    }

    @Test
    void loguniformStaysWithinItsBoundsAndSpreadsOverTheDecades() {
        SearchSpace space = SearchSpace.parse(random("lr=loguniform(1e-4,1e-1)", "200", null));
        List<Double> values = column(space, "lr").stream().map(Double::parseDouble).toList();
        assertTrue(values.stream().allMatch(v -> v >= 1e-4 && v <= 0.1), values.toString());
        assertTrue(values.stream().anyMatch(v -> v < 1e-3), "a third of the draws fall in the lowest decade");
        assertEquals("random lr=loguniform(0.0001,0.1): 200 samples, seed 0", space.describe());
        assertNotEquals(space.trials(), SearchSpace.parse(random("lr=loguniform(1e-4,1e-1)", "200", "1")).trials());
    }

    @Test
    void intIncludesBothBoundsAndChoiceDrawsEveryOption() {
        SearchSpace space = SearchSpace.parse(random("hidden=int(1,3);opt=choice( adam , sgd );epochs=10", "300", "5"));
        assertEquals(Set.of("1", "2", "3"), new TreeSet<>(column(space, "hidden")));
        assertEquals(Set.of("adam", "sgd"), new TreeSet<>(column(space, "opt")));
        assertEquals(Set.of("10"), new TreeSet<>(column(space, "epochs")));
        assertEquals(List.of("hidden", "opt", "epochs"), List.copyOf(space.trials().get(0).keySet()));
        assertEquals("random hidden=int(1,3); opt=choice(adam,sgd); epochs=10: 300 samples, seed 5", space.describe());
    }

    @Test
    void aSeedGivesTheSameTrialsOnEveryJvm() {
        // Pinned values: java.util.Random's sequence and StrictMath are specified, so these never change.
        SearchSpace space = SearchSpace.parse(random("a=uniform(0,1);b=loguniform(1e-4,1e-1);c=int(32,256);d=choice(x,y,z)",
                "2", "42"));
        assertEquals(List.of(
                Map.of("a", "0.727564", "b", "0.0112117", "c", "101", "d", "z"),
                Map.of("a", "0.707711", "b", "0.00018792", "c", "133", "d", "x")), space.trials());
    }

    @Test
    void thePomRandomSpaceMixesConstantsFromTheGrid() {
        Map<String, String> random = new LinkedHashMap<>();
        random.put("lr", "loguniform(1e-4,1e-1)");
        random.put("hidden", "int(32,256)");
        SpaceConfiguration c = new SpaceConfiguration(null, Map.of("epochs", "3"), random, List.of(), "8", null);
        SearchSpace space = SearchSpace.parse(c);
        assertEquals(List.of("epochs", "lr", "hidden"), space.names());
        assertEquals("random epochs=3; lr=loguniform(0.0001,0.1); hidden=int(32,256): 8 samples, seed 0",
                space.describe());
    }

    // ---- list

    @Test
    void explicitTrialsRunAsWritten() {
        List<String> trials = SpaceConfiguration.splitTrials("lr=0.1;hidden=64 | lr=0.01; hidden = 128|lr=0.5");
        assertEquals(List.of("lr=0.1;hidden=64", "lr=0.01; hidden = 128", "lr=0.5"), trials);
        SearchSpace space = SearchSpace.parse(new SpaceConfiguration(null, null, null, trials, null, null));
        assertEquals(SearchSpace.Kind.LIST, space.kind());
        assertEquals(List.of(Map.of("lr", "0.1", "hidden", "64"), Map.of("lr", "0.01", "hidden", "128"),
                Map.of("lr", "0.5")), space.trials());
        assertEquals(List.of("lr", "hidden"), space.names());
        assertEquals("list: 3 trials", space.describe());
        assertEquals(List.of(), SpaceConfiguration.splitTrials(" "));
    }

    // ---- the record

    @Test
    void toJsonShapes() {
        assertEquals("{\"kind\":\"grid\",\"dimensions\":{\"lr\":[\"0.1\",\"0.01\"],\"hidden\":[\"64\"]}}",
                RecordJson.compact(SearchSpace.parse(line("lr=0.1,0.01;hidden=64")).toJson()));
        assertEquals("{\"kind\":\"random\",\"dimensions\":{\"lr\":\"loguniform(0.0001,0.1)\",\"epochs\":[\"3\"]},"
                        + "\"samples\":8,\"seed\":0}",
                RecordJson.compact(SearchSpace.parse(random("lr=loguniform(1e-4,0.10);epochs=3", "8", null)).toJson()));
        assertEquals("{\"kind\":\"list\",\"trials\":[{\"lr\":\"0.1\",\"hidden\":\"64\"},{\"lr\":\"0.01\"}]}",
                RecordJson.compact(SearchSpace.parse(trials("lr=0.1;hidden=64", "lr=0.01")).toJson()));
        assertEquals("grid", RecordJson.compact(SearchSpace.Kind.GRID).replace("\"", ""));
    }

    @Test
    void trialLabelsArePaddedToTheWidthOfTheTotal() {
        assertEquals("t01", SearchSpace.trialLabel(1, 1));
        assertEquals("t01", SearchSpace.trialLabel(1, 24));
        assertEquals("t24", SearchSpace.trialLabel(24, 24));
        assertEquals("t001", SearchSpace.trialLabel(1, 100));
        assertEquals("t100", SearchSpace.trialLabel(100, 100));
        assertEquals("t00007", SearchSpace.trialLabel(7, 10_000));
    }

    // ---- refusals: each names the bad value, and the fix names the POM element and the -D property

    @Test
    void anEmptySpaceIsRefused() {
        refused(new SpaceConfiguration(null, null, null, null, null, null), "The sweep has no search space",
                "-Dexp.sweep=\"lr=0.1,0.01;hidden=64,128\"");
        refused(new SpaceConfiguration(" ", Map.of(), Map.of(), List.of(), null, null), "has no search space", "<sweep><grid>");
        refused(line("lr="), "The sweep dimension 'lr=' has no values.", "e.g. lr=0.1,0.01, in <sweep><grid>");
        refused(new SpaceConfiguration(null, Map.of("lr", " "), null, null, null, null), "'lr=' has no values.", "lr=0.1,0.01");
        refused(line("lr=0.1,,0.2"), "The sweep dimension 'lr=0.1,,0.2' has an empty value.", "separated by commas");
    }

    @Test
    void unparseableDimensionsAreRefused() {
        refused(line("lr=0.1;hidden"), "The sweep dimension 'hidden' has no '='.", "<sweep><grid><lr>0.1,0.01</lr>");
        refused(line("x=normal(0,1)"), "The sweep dimension 'x=normal(0,1)' uses the unknown distribution 'normal'.",
                "uniform(lo,hi), loguniform(lo,hi), int(lo,hi) or choice(a,b,...) in <sweep><random> or -Dexp.sweep");
        refused(line("x=uniform(0)"), "The distribution 'uniform(0)' of 'x' takes 2 arguments (lo,hi), not 1.",
                "write uniform(lo,hi), e.g. uniform(0,1)");
        refused(line("x=int()"), "'int()' of 'x' takes 2 arguments (lo,hi), not 0.", "int(32,256)");
        refused(line("x=loguniform(1,2,3)"), "takes 2 arguments (lo,hi), not 3.", "loguniform(1e-5,1e-1)");
        refused(line("x=choice(adam)"), "The distribution 'choice(adam)' of 'x' takes at least 2 arguments, not 1.",
                "choice(adam,sgd)");
        refused(line("x=choice(a,,b)"), "'choice(a,,b)' of 'x' has an empty value.", "<sweep><random>");
        refused(line("x=uniform(0,abc)"), "The bound 'abc' in 'uniform(0,abc)' of 'x' is not a number.", "uniform(0,1)");
        refused(line("x=uniform(NaN,1)"), "The bound 'NaN' in 'uniform(NaN,1)' of 'x' is not a number.", "uniform(0,1)");
        refused(line("x=uniform(0,1e999)"), "The bound '1e999'", "uniform(0,1)");
        refused(line("x=uniform(1,0)"), "The distribution 'uniform(1,0)' of 'x' has lo >= hi.", "the smaller bound first");
        refused(line("x=int(3,3)"), "'int(3,3)' of 'x' has lo >= hi.", "int(32,256)");
        refused(line("lr=loguniform(0,1)"), "The distribution 'loguniform(0,1)' of 'lr' needs lo > 0", "positive lower bound");
        refused(line("lr=loguniform(-1,1)"), "needs lo > 0", "loguniform(1e-5,1e-1)");
        refused(line("x=int(0.5,10)"), "The bound '0.5' in 'int(0.5,10)' of 'x' is not a whole number.", "int(32,256)");
        refused(line("x=int(1,1e3)"), "The bound '1e3' in 'int(1,1e3)' of 'x' is not a whole number.", "whole numbers");
        refused(line("x=choice(a,b),c"), "The sweep dimension 'x=choice(a,b),c' is neither a list of values nor one distribution.",
                "choice(a,b,...)");
        refused(line("1lr=0.1"), "The param name '1lr' in the sweep is not valid.", "start param names with a letter or _");
        refused(line("lr=0.1,hidden=64"), "The value 'hidden=64' of 'lr' contains '='.", "separate params with ';'");
    }

    @Test
    void contradictionsAreRefused() {
        refused(new SpaceConfiguration("lr=0.1,0.2", null, null, List.of("lr=0.3"), null, null),
                "The sweep gives both the space 'lr=0.1,0.2' and 1 explicit trial.",
                "use either <sweep><grid>/<sweep><random> (-Dexp.sweep) or <sweep><trials> (-Dexp.trials), not both");
        refused(new SpaceConfiguration(null, Map.of("lr", "0.1"), null, List.of("lr=0.3", "lr=0.4"), null, null),
                "both the space 'lr=0.1' and 2 explicit trials.", "not both");
        ExpError noSamples = refused(line("lr=uniform(0,1)"), "The random space 'lr=uniform(0,1)' has no number of samples.",
                "<sweep><samples>");
        assertEquals("set <sweep><samples> (-Dexp.samples) to the number of trials to draw", noSamples.fix());
        refused(random("lr=uniform(0,1)", "0", null), "The number of samples '0' is not a positive whole number.", "-Dexp.samples");
        refused(random("lr=uniform(0,1)", "-3", null), "The number of samples '-3'", "-Dexp.samples");
        refused(random("lr=uniform(0,1)", "eight", null), "The number of samples 'eight'", "-Dexp.samples");
        refused(random("lr=uniform(0,1)", "10001", null), "The number of samples '10001' is more than the 10,000 trials",
                "to 10000 or less");
        refused(random("lr=uniform(0,1)", "8", "abc"), "The sweep seed 'abc' is not a whole number.",
                "set <sweep><seed> (-Dexp.sweepSeed) to a whole number");
        refused(random("lr=0.1,0.01", "8", null), "The samples '8' are set but the grid 'lr=0.1,0.01' has nothing to draw.",
                "remove <sweep><samples> (-Dexp.samples)");
        refused(random("lr=0.1,0.01", null, "3"), "The sweep seed '3' is set but the grid 'lr=0.1,0.01' has nothing to draw.",
                "remove <sweep><seed> (-Dexp.sweepSeed)");
        refused(new SpaceConfiguration(null, null, null, List.of("a=1", "a=2"), "4", null),
                "The samples '4' are set but the list of 2 trials has nothing to draw.", "remove <sweep><samples>");
        refused(line("lr=0.1;hidden=64;lr=0.2"), "The sweep dimension 'lr' is given twice.", "(lr=0.1,0.01)");
        refused(new SpaceConfiguration(null, Map.of("lr", "0.1"), Map.of("lr", "uniform(0,1)"), null, "4", null),
                "'lr' is given twice.", "<sweep><grid>");
        refused(random("lr=0.1,0.2;b=uniform(0,1)", "4", null),
                "The sweep mixes the list 'lr=0.1,0.2' with random distributions.", "draw it at random with lr=choice(0.1,0.2)");
        refused(new SpaceConfiguration(null, Map.of("lr", "0.1,0.2"), Map.of("b", "uniform(0,1)"), null, "4", null),
                "mixes the list 'lr=0.1,0.2'", "<sweep><random>");
        refused(new SpaceConfiguration(null, Map.of("lr", "uniform(0,1)"), null, null, null, null),
                "The <sweep><grid> entry 'lr=uniform(0,1)' is a distribution", "move <lr> to <sweep><random>");
        refused(new SpaceConfiguration(null, null, Map.of("epochs", "10"), null, "4", null),
                "The <sweep><random> entries 'epochs=10' draw nothing at random.", "uniform(0,1)");
    }

    @Test
    void badTrialsAreRefused() {
        refused(trials("lr=0.1;lr=0.2"), "The trial 'lr=0.1;lr=0.2' gives 'lr' twice.",
                "give each param once per trial in <sweep><trials><trial> or -Dexp.trials");
        refused(trials("lr=0.1;hidden"), "The trial 'lr=0.1;hidden' has 'hidden' without '='.", "lr=0.1;hidden=64");
        refused(new SpaceConfiguration(null, null, null, SpaceConfiguration.splitTrials("a=1||a=2"), null, null),
                "Trial 2 of the sweep is empty.", "(trials separated by |)");
        refused(trials("lr="), "The trial 'lr=' gives 'lr' no value.", "one fixed value");
        refused(trials("lr=0.1,0.2"), "The trial 'lr=0.1,0.2' gives 'lr' more than one value ('0.1,0.2').", "<sweep><grid>");
        refused(trials("lr=uniform(0,1)"), "The trial 'lr=uniform(0,1)' draws 'lr' from 'uniform(0,1)'", "<sweep><random>");
        refused(trials("lr=0.1,hidden=64"), "more than one value ('0.1,hidden=64')", "one fixed value");
        refused(trials("lr=a=b"), "The value 'a=b' of 'lr' contains '='.", "<sweep><trials><trial>");
        refused(trials("x y=1"), "The param name 'x y' in the sweep is not valid.", "<sweep><trials><trial>");
    }

    @Test
    void moreThanTenThousandTrialsAreRefused() {
        String hundred = IntStream.range(0, 100).mapToObj(Integer::toString).collect(Collectors.joining(","));
        ExpError e = refused(line("a=" + hundred + ";b=" + hundred + ";c=1,2"), "has 20000 trials, more than the 10,000 a sweep may run.",
                "narrow the grid in <sweep><grid> (-Dexp.sweep), or use <sweep><random> with <sweep><samples> (-Dexp.samples)");
        assertTrue(e.getMessage().startsWith("The grid 'a=0,1,2,"), e.getMessage());
        List<String> many = IntStream.range(0, 10_001).mapToObj(i -> "a=" + i).toList();
        refused(new SpaceConfiguration(null, null, null, many, null, null), "The sweep lists 10001 trials", "<sweep><trials>");
    }

    @Test
    void aSweptParamFixedOnTheCommandLineIsRefused() {
        SearchSpace space = SearchSpace.parse(line("lr=0.1,0.01;hidden=64,128"));
        assertDoesNotThrow(() -> space.refuseOverridden(Set.of("epochs")));
        ExpError e = assertThrows(ExpError.class, () -> space.refuseOverridden(Set.of("lr", "epochs")));
        assertEquals("The swept param 'lr' is also fixed by -Dexp.param.lr.", e.getMessage());
        assertTrue(e.fix().startsWith("drop -Dexp.param.lr, or take 'lr' out of the sweep (<sweep>"), e.fix());
        ExpError two = assertThrows(ExpError.class, () -> space.refuseOverridden(Set.of("hidden", "lr")));
        assertEquals("The swept params 'lr', 'hidden' are also fixed by -Dexp.param.lr, -Dexp.param.hidden.", two.getMessage());
        SearchSpace list = SearchSpace.parse(trials("a=1", "b=2"));
        assertThrows(ExpError.class, () -> list.refuseOverridden(Set.of("b")));
    }

    // ---- helpers

    private static SpaceConfiguration line(String line) {
        return new SpaceConfiguration(line, null, null, null, null, null);
    }

    private static SpaceConfiguration random(String line, String samples, String seed) {
        return new SpaceConfiguration(line, null, null, null, samples, seed);
    }

    private static SpaceConfiguration trials(String... trials) {
        return new SpaceConfiguration(null, null, null, List.of(trials), null, null);
    }

    private static List<String> column(SearchSpace space, String name) {
        return space.trials().stream().map(t -> t.get(name)).toList();
    }

    private static ExpError refused(SpaceConfiguration c, String message, String fix) {
        ExpError e = assertThrows(ExpError.class, () -> SearchSpace.parse(c));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.fix().contains(fix), e.fix());
        assertTrue(e.fix().contains("<sweep>"), "names the POM element: " + e.fix());
        assertTrue(e.fix().contains("-Dexp."), "names the -D property: " + e.fix());
        return e;
    }
}
