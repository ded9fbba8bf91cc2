package dev.exprun.container;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RunId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Which GPUs the engine can give: one probe container with all GPUs runs nvidia-smi in the run's own
 * image (the toolkit mounts nvidia-smi into it), so what is found is what the trials will get.
 */
public final class GpuDiscovery {
    /** Through /bin/sh (the GPU check needs it too), so that an image without nvidia-smi says so instead of failing to start. */
    static final List<String> QUERY = List.of("/bin/sh", "-c", "command -v nvidia-smi >/dev/null 2>&1 || { echo 'no nvidia-smi in the "
            + "container: the engine gave it no GPUs (the NVIDIA Container Toolkit mounts nvidia-smi into containers with GPUs)'; exit 127; }; "
            + "exec nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits");
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);

    private final EngineConnection engine;
    private final ExpLog log;

    public GpuDiscovery(EngineConnection engine, ExpLog log) {
        this.engine = engine;
        this.log = log;
    }

    /** mode: how this engine is asked for GPUs (resolved for gpus=all); project: for the probe's labels. */
    public List<GpuDevice> discover(ResolvedImage image, GpuRequestMode mode, String project) {
        String id = RunId.next(Instant.now());
        GpuRequest all = GpuRequest.parse("all");
        ContainerSpec spec = new ContainerSpec("exp-gpu-probe-" + id, image.imageId(), QUERY, Map.of(),
                ContainerRunner.labels(id, project, null, BuildIdentity.current(), null), List.of(), "/", null, 64L << 20, null,
                all, mode, ContainerSpec.Limits.NONE);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Path rawLog = null;
        try {
            rawLog = Files.createTempFile("exprun-gpu-probe", ".log");
            ContainerOutcome outcome;
            try (ShutdownGuard guard = new ShutdownGuard(engine.client(), () -> { })) {
                outcome = new ContainerRunner(engine, log).run(spec, rawLog, (stderr, line) -> lines.add(line), PROBE_TIMEOUT, guard);
            } catch (ExpError e) {
                throw new ExpError("gpusPerTrial asks for GPUs, and the probe that finds them (nvidia-smi in " + image.reference()
                        + " with all GPUs) did not run: " + e.getMessage(), e.fix(), e);
            }
            List<GpuDevice> devices = outcome.exitCode() != null && outcome.exitCode() == 0 ? parse(lines) : List.of();
            if (devices.isEmpty()) {
                throw new ExpError("gpusPerTrial asks for GPUs, and none were found: nvidia-smi in " + image.reference()
                        + " with all GPUs " + (outcome.exitCode() == null ? "did not run" : "exited with " + outcome.exitCode())
                        + (lines.isEmpty() ? " and printed nothing." : " and printed:\n    " + String.join("\n    ", lines)),
                        "use an engine with GPU support (Docker with the NVIDIA Container Toolkit, or CDI), list the devices "
                                + "yourself in <gpuDevices> (-Dexp.gpuDevices=0,1), or set <gpusPerTrial>0</gpusPerTrial> to train on the CPU");
            }
            return devices;
        } catch (IOException e) {
            throw new ExpError("Cannot create a temporary file for the GPU probe: " + e.getMessage(), "check the temp directory", e);
        } finally {
            if (rawLog != null) {
                try {
                    Files.deleteIfExists(rawLog);
                } catch (IOException e) {
                    // A temp file left behind is harmless.
                }
            }
        }
    }

    /** nvidia-smi's CSV: "0, GPU-5bd0..., NVIDIA H200, 143771" per line; lines that are not that are skipped. */
    public static List<GpuDevice> parse(List<String> lines) {
        List<GpuDevice> devices = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",");
            if (f.length < 4) {
                continue;
            }
            try {
                int index = Integer.parseInt(f[0].trim());
                String uuid = f[1].trim();
                String name = String.join(",", List.of(f).subList(2, f.length - 1)).trim();
                String memory = f[f.length - 1].trim();
                devices.add(new GpuDevice(index, uuid, name, memory.matches("[0-9]+") ? Long.parseLong(memory) : null));
            } catch (NumberFormatException e) {
                // Not a device line (a warning nvidia-smi printed first).
            }
        }
        return List.copyOf(devices);
    }
}
