package dev.exprun.tagging;

import dev.exprun.core.ExpLog;
import dev.exprun.gate.Baseline;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateSettings;
import dev.exprun.gate.RegressionGates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All gates of a release: the fixed ones, plus one per {@code <maxRegression>} metric against the baseline tag. */
public final class ReleaseGates {
    private ReleaseGates() {
    }

    public static List<Gate> resolve(GateSettings settings, Path baseDir, ExpLog log) {
        settings.requireConsistent();
        List<Gate> gates = new ArrayList<>(Gate.parseAll(settings.gates(), settings.gatesLine()));
        if (!settings.hasBaseline()) {
            return gates;
        }
        Optional<Baseline> baseline = BaselineTags.find(baseDir, settings.baseline());
        if (baseline.isEmpty()) {
            log.warn("No exp tag is reachable from HEAD yet, so there is no baseline: the regression gates for "
                    + settings.maxRegressions().keySet() + " are skipped for this first release");
            return gates;
        }
        Baseline b = baseline.get();
        log.info("Baseline: " + b.tag() + " (run " + b.runId() + ", commit " + b.commit().substring(0, 12) + ")");
        gates.addAll(RegressionGates.derive(b, settings.maxRegressions(), settings.higher(), settings.lower()));
        return gates;
    }
}
