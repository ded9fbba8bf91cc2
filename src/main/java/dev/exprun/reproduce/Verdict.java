package dev.exprun.reproduce;

import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.core.TextTable;
import dev.exprun.history.RunNote;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.OutputFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Recorded against reproduced: a row per metric, the outputs' sha256s, what differs in the environment, and the verdict. */
final class Verdict {
    private Verdict() {
    }

    static void judge(RunNote original, RunRecord now, String tolerance, Map<String, String> tolerances, ExpLog log) {
        Tolerance defaults = Tolerance.parse(tolerance, "exp.tolerance");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("METRIC", "RECORDED", "NOW", "DELTA", "TOLERANCE", "WITHIN"));
        int failed = 0;
        Map<String, Double> nowMetrics = now.metrics() == null ? Map.of() : now.metrics();
        for (Map.Entry<String, Double> m : original.metrics().entrySet()) {
            Tolerance t = tolerances != null && tolerances.containsKey(m.getKey())
                    ? Tolerance.parse(tolerances.get(m.getKey()), "<tolerances><" + m.getKey() + ">") : defaults;
            Double value = nowMetrics.get(m.getKey());
            boolean within = value != null && t.within(m.getValue(), value);
            failed += within ? 0 : 1;
            rows.add(List.of(m.getKey(), num(m.getValue()), value == null ? "missing" : num(value),
                    value == null ? "-" : delta(m.getValue(), value), t.toString(), within ? "yes" : "NO"));
        }
        log.info("Reproduction " + now.runId() + " of run " + original.runId() + ":");
        TextTable.align(rows, "  ").forEach(log::info);
        outputs(original, now, log);
        environment(original, now, log);
        if (original.metrics().isEmpty()) {
            log.info("NOT REPRODUCED: run " + original.runId() + " recorded no metrics to compare");
            throw new ExpFailure("Run " + original.runId() + " recorded no metrics, so its reproduction cannot be judged.",
                    "write metrics.json (exprun.summary) in the training");
        }
        if (failed > 0) {
            nondeterministic(original, now, log);
            log.info("NOT REPRODUCED");
            throw new ExpFailure(failed + " of " + original.metrics().size() + " metric(s) of run " + original.runId()
                    + " were not reproduced within tolerance (reproduction " + now.runId() + ").",
                    "see the table; seed the training (exprun.seed_everything), or widen <tolerance>/<tolerances> for metrics that legitimately vary");
        }
        log.info("REPRODUCED");
    }

    private static void outputs(RunNote original, RunRecord now, ExpLog log) {
        List<RunNote.Artifact> recorded = original.artifacts().stream().filter(a -> a.path() != null).toList();
        if (recorded.isEmpty()) {
            return;
        }
        List<String> differ = new ArrayList<>();
        for (RunNote.Artifact a : recorded) {
            OutputFile o = now.outputs() == null ? null
                    : now.outputs().stream().filter(f -> f.path().equals(a.path())).findFirst().orElse(null);
            if (o == null) {
                differ.add(a.path() + " (missing now)");
            } else if (!o.sha256().equals(a.sha256())) {
                differ.add(a.path() + " (recorded " + a.sha256().substring(0, 12) + ", now " + o.sha256().substring(0, 12) + ")");
            }
        }
        log.info(differ.isEmpty()
                ? "Outputs: bit-identical (" + recorded.size() + " of " + recorded.size() + ": "
                        + String.join(", ", recorded.stream().map(RunNote.Artifact::path).toList()) + ")"
                : "Outputs: not bit-identical: " + String.join("; ", differ));
    }

    /** The ops torch said have no deterministic kernel: the likely cause when a seeded run does not reproduce. */
    private static void nondeterministic(RunNote original, RunRecord now, ExpLog log) {
        List<String> then = original.nondeterministicOps() == null ? List.of() : original.nondeterministicOps();
        List<String> nowOps = now.runtime() == null || now.runtime().nondeterministicOps() == null
                ? List.of() : now.runtime().nondeterministicOps();
        if (then.isEmpty() && nowOps.isEmpty()) {
            return;
        }
        log.info("Likely cause: ops without a deterministic implementation ran (torch warned): "
                + (then.isEmpty() ? "none in run " + original.runId() : String.join(", ", then) + " in run " + original.runId())
                + "; " + (nowOps.isEmpty() ? "none" : String.join(", ", nowOps)) + " in this reproduction. "
                + "exprun.seed_everything(seed, strict=True) refuses them.");
    }

    /** What may explain a difference: engine, GPU model and driver, and whether the code was the same down to the patch. */
    private static void environment(RunNote original, RunRecord now, ExpLog log) {
        RunNote current = RunNote.of(now, List.of(), null);
        List<String> notes = new ArrayList<>();
        if (!Objects.equals(original.engine(), current.engine())) {
            notes.add("engine " + original.engine() + " then, " + current.engine() + " now");
        }
        if (!Objects.equals(original.gpus() == null ? List.of() : original.gpus(), current.gpus())) {
            notes.add("GPUs " + original.gpus() + " then, " + current.gpus() + " now");
        }
        if (!Objects.equals(original.gpuDriver(), current.gpuDriver())) {
            notes.add("GPU driver " + original.gpuDriver() + " then, " + current.gpuDriver() + " now");
        }
        if (original.dirty() && !Objects.equals(original.patchSha256(), now.git().patchSha256())) {
            notes.add("the work tree after the patch is not byte-identical to the recorded one (patch sha256 differs)");
        }
        log.info("Environment: image " + now.image().digest() + " (the recorded digest); "
                + (notes.isEmpty() ? "same engine, GPUs and GPU driver" : String.join("; ", notes)));
    }

    private static String delta(double recorded, double now) {
        return recorded == now || (Double.isNaN(recorded) && Double.isNaN(now)) ? "0" : String.format(Locale.ROOT, "%+.3g", now - recorded);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }
}
