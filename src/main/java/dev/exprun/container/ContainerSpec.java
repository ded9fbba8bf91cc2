package dev.exprun.container;

import java.util.List;
import java.util.Map;

/**
 * Everything the engine needs to create a run's container. network null = engine default; gpuMode is
 * resolved (never auto); limits: CPU and memory caps (a sweep's cpusPerTrial and memoryPerTrial).
 */
public record ContainerSpec(
        String name,
        String imageId,
        List<String> command,
        Map<String, String> env,
        Map<String, String> labels,
        List<Mount> mounts,
        String workingDir,
        String user,
        long shmSizeBytes,
        String network,
        GpuRequest gpus,
        GpuRequestMode gpuMode,
        Limits limits) {

    /** nanoCpus: CPUs × 10^9 as the engine counts them; memoryBytes: memory and swap together; null = no limit. */
    public record Limits(Long nanoCpus, Long memoryBytes) {
        public static final Limits NONE = new Limits(null, null);
    }
}
