package dev.exprun.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {
    @Test
    void parsesEveryOperatorFromThePomAndTheCommandLine() {
        List<Gate> gates = Gate.parseAll(List.of("val_acc >= 0.93", "loss<0.2"), "f1>0.5, epochs==40,lr!=0,val_loss<=1e-1");
        assertEquals(List.of("val_acc >= 0.93", "loss < 0.2", "f1 > 0.5", "epochs == 40", "lr != 0", "val_loss <= 0.1"),
                gates.stream().map(Gate::condition).toList());
    }

    @Test
    void badGatesNameTheTextAndTheFix() {
        ExpError e = assertThrows(ExpError.class, () -> Gate.parse("val_acc => 0.9"));
        assertTrue(e.getMessage().contains("'val_acc => 0.9'"), e.getMessage());
        assertTrue(e.fix().contains("-Dexp.gates"), e.fix());
        assertTrue(assertThrows(ExpError.class, () -> Gate.parse("acc >= high")).getMessage().contains("'high'"));
    }

    @Test
    void aMissingMetricOrNaNFailsNeverPasses() {
        List<GateResult> results = GateCheck.evaluate(
                Gate.parseAll(List.of("val_acc >= 0.93", "f1 >= 0.8", "loss != 1", "acc >= 0.9"), null),
                Map.of("val_acc", 0.932, "loss", Double.NaN, "acc", 0.8999));
        assertEquals(List.of(true, false, false, false), results.stream().map(GateResult::passed).toList());
        assertEquals("FAIL (missing)", results.get(1).verdict());
    }

    @Test
    void theTableAndTheFailureListEveryGate() {
        List<GateResult> results = GateCheck.evaluate(Gate.parseAll(List.of("val_acc >= 0.93", "f1 >= 0.8", "loss <= 0.2"), null),
                Map.of("val_acc", 0.932, "loss", 0.25));
        assertEquals(List.of(
                "METRIC   ACTUAL  CONDITION        VERDICT",
                "val_acc  0.932   val_acc >= 0.93  PASS",
                "f1       -       f1 >= 0.8        FAIL (missing)",
                "loss     0.25    loss <= 0.2      FAIL"), GateCheck.table(results));
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("val_acc", 0.932);
        metrics.put("loss", 0.25);
        ExpFailure e = assertThrows(ExpFailure.class, () -> GateCheck.requirePassed("r1", metrics, results));
        assertEquals("2 of 3 metric gate(s) failed for run r1:\n  f1 >= 0.8: the run has no metric 'f1' (it has val_acc, loss)\n"
                + "  loss <= 0.2: actual 0.25", e.getMessage());
        ExpFailure none = assertThrows(ExpFailure.class, () -> GateCheck.requirePassed("r2", Map.of(), results.subList(1, 2)));
        assertTrue(none.getMessage().endsWith("the run has no metric 'f1' (it has no metrics at all)"), none.getMessage());
        GateCheck.requirePassed("r1", metrics, results.subList(0, 1));
        assertFalse(results.get(2).passed());
    }
}
