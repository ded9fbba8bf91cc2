package dev.exprun.sweep;

import dev.exprun.run.RunConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sweep configurations for tests: a run configuration, a grid line, and the sweep's own settings. */
final class Sweeps {
    String line;
    String parallel;
    String gpusPerTrial;
    String gpuDevices;
    String failurePolicy;
    String retries;
    String objective;
    String resume;
    String cpusPerTrial;
    String memoryPerTrial;
    Map<String, String> grid = new LinkedHashMap<>();
    List<String> trials = List.of();

    SweepConfiguration of(RunConfiguration run) {
        return new SweepConfiguration(run, new SpaceConfiguration(line, grid, null, trials, null, null), parallel, gpusPerTrial,
                gpuDevices, cpusPerTrial, memoryPerTrial, failurePolicy, retries, objective, List.of(), List.of(), resume);
    }
}
