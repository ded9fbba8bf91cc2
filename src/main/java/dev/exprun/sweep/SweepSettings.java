package dev.exprun.sweep;

import dev.exprun.container.ContainerSpec.Limits;
import dev.exprun.container.GpuRequest;
import dev.exprun.core.ExpError;
import dev.exprun.gate.MetricDirection;
import dev.exprun.run.ConfigValues;
import dev.exprun.run.RunSettings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The checked form of a {@link SweepConfiguration}: every bad value is refused here, before anything runs.
 * parallel 0 means "what the GPUs allow, or 1"; gpuDevices empty means "discover them".
 */
record SweepSettings(
        RunSettings run,
        SearchSpace space,
        int parallel,
        int gpusPerTrial,
        List<String> gpuDevices,
        Limits limits,
        FailurePolicy failurePolicy,
        int retries,
        String objective,
        MetricDirection direction,
        String resume) {

    static SweepSettings from(SweepConfiguration c) {
        RunSettings run = RunSettings.from(c.run());
        SearchSpace space = SearchSpace.parse(c.space());
        space.refuseOverridden(c.run().paramOverrides().keySet());
        int gpusPerTrial = count(c.gpusPerTrial(), 0, "gpusPerTrial", "exp.gpusPerTrial", "a number of GPUs such as 1, or 0 for none");
        List<String> devices = devices(c.gpuDevices());
        if (run.gpus().requested()) {
            throw new ExpError("gpus=" + run.gpus().text() + " would give every trial the same GPUs.",
                    "a sweep gives each trial its own: set <gpusPerTrial> (-Dexp.gpusPerTrial=1) and leave <gpus> (-Dexp.gpus) unset");
        }
        if (!devices.isEmpty() && run.onSlurm()) {
            throw new ExpError("gpuDevices=" + String.join(",", devices) + " names this machine's GPUs, and on Slurm the allocation "
                    + "decides which GPUs each trial's job gets.", "drop <gpuDevices> (-Dexp.gpuDevices) and keep <gpusPerTrial>");
        }
        if (!devices.isEmpty() && gpusPerTrial == 0) {
            throw new ExpError("gpuDevices=" + String.join(",", devices) + " is set, and gpusPerTrial is 0: no trial would get a GPU.",
                    "set <gpusPerTrial> (-Dexp.gpusPerTrial=1), or drop <gpuDevices>");
        }
        if (!devices.isEmpty() && gpusPerTrial > devices.size()) {
            throw new ExpError("gpusPerTrial=" + gpusPerTrial + " is more than the " + devices.size() + " GPU(s) of gpuDevices="
                    + String.join(",", devices) + ".", "lower <gpusPerTrial> (-Dexp.gpusPerTrial) or list more <gpuDevices>");
        }
        int parallel = count(c.parallel(), 0, "parallel", "exp.parallel", "the number of trials to run at once, such as 4");
        if (parallel == 0 && c.parallel() != null && !c.parallel().isBlank()) {
            throw new ExpError("parallel=0 would run no trial.", "set <parallel> (-Dexp.parallel) to 1 or more");
        }
        if (parallel > 0 && !devices.isEmpty() && parallel * gpusPerTrial > devices.size()) {
            throw new ExpError("parallel=" + parallel + " trials with " + gpusPerTrial + " GPU(s) each need " + parallel * gpusPerTrial
                    + " GPUs, and gpuDevices has " + devices.size() + ".", "lower <parallel> (-Dexp.parallel) to at most "
                    + devices.size() / gpusPerTrial + ", or leave it unset: it defaults to what the GPUs allow");
        }
        Limits limits = new Limits(cpus(c.cpusPerTrial()), memory(c.memoryPerTrial()));
        String objective = c.objective() == null || c.objective().isBlank() ? null : c.objective().trim();
        MetricDirection direction = objective == null ? null
                : MetricDirection.of(objective, list(c.higherIsBetter()), list(c.lowerIsBetter()));
        int retries = count(c.retries(), 0, "retries", "exp.retries", "how often to re-run a trial after an infrastructure fault, such as 1");
        return new SweepSettings(run, space, parallel, gpusPerTrial, devices, limits, FailurePolicy.parse(c.failurePolicy()),
                retries, objective, direction, resume(c.resume()));
    }

    /** The objective as the sweep record keeps it; null without one. */
    SweepRecord.Objective recordedObjective() {
        return objective == null ? null : SweepRecord.Objective.of(objective, direction);
    }

    /** parallel as it applies: the configured one, else one trial per gpusPerTrial GPUs of the pool, else 1. */
    /**
     * With a scheduler (Slurm) every trial is submitted at once unless parallel says otherwise: the cluster's
     * queue, the user's limits (QOS) and the allocation decide what runs, not a guess of this build.
     */
    int parallelForScheduler(int trials) {
        return parallel > 0 ? parallel : Math.max(1, trials);
    }

    int parallelFor(int poolSize) {
        if (parallel > 0) {
            return parallel;
        }
        return gpusPerTrial == 0 ? 1 : Math.max(1, poolSize / gpusPerTrial);
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static int count(String value, int fallback, String element, String property, String what) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ExpError("The " + element + " '" + value + "' is not a whole number of 0 or more.",
                "set <" + element + "> (-D" + property + ") to " + what);
    }

    private static List<String> devices(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> devices = new ArrayList<>();
        for (String id : value.split(",", -1)) {
            GpuRequest one = GpuRequest.devices(List.of(id.trim())); // the same check as gpus: indexes, UUIDs, MIG, CDI names
            if (one.deviceIds() == null || one.deviceIds().size() != 1 || id.trim().endsWith("=all")) {
                throw new ExpError("The gpuDevices entry '" + id.trim() + "' in '" + value + "' is not one device.",
                        "set <gpuDevices> (-Dexp.gpuDevices) to device indexes or UUIDs, such as 0,1,2,3 (nvidia-smi -L lists them)");
            }
            if (devices.contains(one.deviceIds().get(0))) {
                throw new ExpError("gpuDevices '" + value + "' names " + id.trim() + " twice.", "list each device once in <gpuDevices> (-Dexp.gpuDevices)");
            }
            devices.add(one.deviceIds().get(0));
        }
        return List.copyOf(devices);
    }

    private static Long cpus(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            BigDecimal cpus = new BigDecimal(value.trim());
            if (cpus.signum() > 0) {
                return cpus.movePointRight(9).longValue();
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ExpError("The cpusPerTrial '" + value + "' is not a positive number of CPUs.",
                "set <cpusPerTrial> (-Dexp.cpusPerTrial) to a number such as 2 or 0.5");
    }

    private static Long memory(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        long bytes = ConfigValues.size(value, "memoryPerTrial", "exp.memoryPerTrial");
        if (bytes < (6L << 20)) {
            throw new ExpError("The memoryPerTrial '" + value + "' is below the 6m an engine accepts.",
                    "set <memoryPerTrial> (-Dexp.memoryPerTrial) to a size such as 8g");
        }
        return bytes;
    }

    private static String resume(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("false")) {
            return null;
        }
        return value.trim();
    }
}
