package dev.exprun.sweep;

import dev.exprun.run.RunConfiguration;
import java.util.List;

/**
 * A sweep as the user wrote it: the run every trial is (its params the base each trial overrides), the
 * search space, and how trials share the machine. {@link SweepSettings} checks it.
 */
public record SweepConfiguration(
        RunConfiguration run,
        SpaceConfiguration space,
        String parallel,
        String gpusPerTrial,
        String gpuDevices,
        String cpusPerTrial,
        String memoryPerTrial,
        String failurePolicy,
        String retries,
        String objective,
        List<String> higherIsBetter,
        List<String> lowerIsBetter,
        String resume) {
}
