package dev.exprun.container;

import java.util.List;
import java.util.Map;

/** Everything the engine needs to create a run's container. network null = engine default; gpuMode is resolved (never auto). */
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
        GpuRequestMode gpuMode) {
}
