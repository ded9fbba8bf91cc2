package dev.exprun.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegressionGatesTest {
    private static final Baseline BASE = new Baseline("v1.0-prod-ready", "a".repeat(40), "r0",
            Map.of("val_acc", 0.932, "loss", 0.21, "score", 3.0));

    private static Map<String, String> allowed(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void higherIsBetterMayFallByTheAllowanceLowerIsBetterMayRiseByIt() {
        List<Gate> gates = RegressionGates.derive(BASE, allowed("val_acc", "0.005", "loss", "0.01"), List.of(), List.of());
        assertEquals(List.of("val_acc >= 0.927 (baseline v1.0-prod-ready 0.932 - 0.005)", "loss <= 0.22 (baseline v1.0-prod-ready 0.21 + 0.01)"),
                gates.stream().map(Gate::describe).toList());
        // Exactly at the limit passes: the threshold is decimal 0.927, not 0.9270000000000001.
        List<GateResult> results = GateCheck.evaluate(gates, Map.of("val_acc", 0.927, "loss", 0.2201));
        assertEquals(List.of(true, false), results.stream().map(GateResult::passed).toList());
    }

    @Test
    void theUsersListsOverrideTheNameAndUnclearNamesAreRefused() {
        assertEquals(MetricDirection.LOWER_IS_BETTER, MetricDirection.of("val_loss", List.of(), List.of()));
        assertEquals(MetricDirection.LOWER_IS_BETTER, MetricDirection.of("trainMSE", List.of(), List.of()));
        assertEquals(MetricDirection.HIGHER_IS_BETTER, MetricDirection.of("eval/top1-acc", List.of(), List.of()));
        assertEquals(MetricDirection.HIGHER_IS_BETTER, MetricDirection.of("valF1", List.of(), List.of()));
        assertEquals(MetricDirection.LOWER_IS_BETTER, MetricDirection.of("val_acc", List.of(), List.of("val_acc")));
        ExpError unclear = assertThrows(ExpError.class, () -> MetricDirection.of("score", List.of(), List.of()));
        assertTrue(unclear.getMessage().contains("'score'"), unclear.getMessage());
        assertTrue(unclear.fix().contains("-Dexp.higherIsBetter=score"), unclear.fix());
        assertTrue(assertThrows(ExpError.class, () -> MetricDirection.of("acc_loss", List.of(), List.of()))
                .getMessage().contains("says both"));
        List<Gate> gates = RegressionGates.derive(BASE, allowed("score", "0.5"), List.of("score"), List.of());
        assertEquals("score >= 2.5", gates.get(0).condition());
    }

    @Test
    void aMetricTheBaselineLacksOrABadAllowanceNamesTheValue() {
        ExpError missing = assertThrows(ExpError.class,
                () -> RegressionGates.derive(BASE, allowed("f1", "0.01"), List.of(), List.of()));
        assertTrue(missing.getMessage().contains("no usable value for 'f1'"), missing.getMessage());
        ExpError bad = assertThrows(ExpError.class, () -> RegressionGates.derive(BASE, allowed("val_acc", "-0.1"), List.of(), List.of()));
        assertTrue(bad.getMessage().contains("'-0.1'"), bad.getMessage());
    }

    @Test
    void baselineAndAllowancesComeTogetherAndTheCommandLineAddsToThePom() {
        GateSettings settings = new GateSettings(List.of(), null, "latest", allowed("val_acc", "0.005"), "loss=0.01, val_acc=0.001",
                List.of(), List.of());
        assertEquals(allowed("val_acc", "0.001", "loss", "0.01"), settings.maxRegressions());
        assertTrue(assertThrows(ExpError.class, () -> new GateSettings(null, null, "latest", null, null, null, null).requireConsistent())
                .fix().contains("maxRegression"));
        assertTrue(assertThrows(ExpError.class, () -> new GateSettings(null, null, null, null, "loss=0.1", null, null).requireConsistent())
                .fix().contains("<baseline>latest</baseline>"));
        assertTrue(assertThrows(ExpError.class, () -> new GateSettings(null, null, "latest", null, "loss", null, null).maxRegressions())
                .getMessage().contains("'loss'"));
    }
}
