package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.gate.Gate;
import dev.exprun.gate.GateCheck;
import dev.exprun.gate.GateResult;
import dev.exprun.record.RunRecord;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Gates the build on the run's metrics: {@code <gates><gate>val_acc &gt;= 0.93</gate></gates>}.
 * A metric missing from the run is a failed gate. Reads the record exp:run wrote in this build, else
 * {@code target/exp/last-run.json}.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyMojo extends AbstractRunGoalMojo {

    @Override
    protected String goal() {
        return "exp:verify";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        List<Gate> all = gates(log);
        if (all.isEmpty()) {
            log.info("No gates configured; nothing to verify");
            return;
        }
        RunRecord run = GateCheck.readRun(recordPath());
        List<GateResult> results = GateCheck.evaluate(all, run.metrics());
        log.info("Gates for run " + run.runId() + (run.cachedFrom() == null ? "" : " (served from the cache: run " + run.cachedFrom() + "'s metrics)") + ":");
        GateCheck.table(results).forEach(line -> log.info("  " + line));
        GateCheck.requirePassed(run.runId(), run.metrics(), results);
    }
}
