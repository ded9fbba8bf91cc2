package dev.exprun.container;

import dev.exprun.core.ExpError;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.Locale;

/**
 * The engine refused the GPU request at create or start, before anything ran in the container. Each
 * known refusal gets its own fix; the engine's words stay in the message so nothing is hidden.
 */
public final class GpuRequestRefused extends ExpError {
    private static final String CPU_INSTEAD = "; or set <gpus>none</gpus> (-Dexp.gpus=none) to train on the CPU";

    private GpuRequestRefused(String message, String fix, Throwable cause) {
        super(message, fix, cause);
    }

    /** The translated refusal, or null when the engine's message is not about the GPU request. */
    static GpuRequestRefused explain(String engineMessage, GpuRequest gpus, GpuRequestMode mode, EngineInfo engine, Throwable cause) {
        String m = engineMessage == null ? "" : engineMessage;
        String lower = m.toLowerCase(Locale.ROOT);
        String asked = "gpus=" + gpus.text() + ", gpuRequest=" + mode.json();
        String who = engine == null ? "The engine" : engine.name() + " " + engine.version();
        if (lower.contains("could not select device driver \"cdi\"")) {
            return new GpuRequestRefused(who + " refused the GPU request (" + asked + "): CDI is not enabled in it (" + m
                    + "). Training was not started.",
                    "use Docker 28.2 or later (CDI on by default) or turn on the cdi feature in the daemon's configuration "
                            + "(\"features\": {\"cdi\": true}, then restart dockerd), with specs from nvidia-ctk cdi generate "
                            + "--output=/etc/cdi/nvidia.yaml; or set <gpuRequest>nvidia</gpuRequest> (-Dexp.gpuRequest=nvidia)"
                            + CPU_INSTEAD, cause);
        }
        if (lower.contains("could not select device driver")) {
            return new GpuRequestRefused(who + " refused the GPU request (" + asked + "): it has no NVIDIA device driver registered ("
                    + m + "). Training was not started.",
                    "install the NVIDIA Container Toolkit on the engine's host and restart dockerd (nvidia-ctk runtime configure "
                            + "--runtime=docker); or use CDI: <gpuRequest>cdi</gpuRequest> (-Dexp.gpuRequest=cdi) with Docker 28.2 or "
                            + "later and specs from nvidia-ctk cdi generate" + CPU_INSTEAD, cause);
        }
        if (lower.contains("unresolvable cdi devices") || lower.contains("cdi device") && lower.contains("not found")) {
            return new GpuRequestRefused(who + " does not know the CDI device(s) asked for (" + asked + "): " + m
                    + ". Training was not started.",
                    "list the devices the engine knows with nvidia-ctk cdi list, and regenerate the specs after a driver update "
                            + "(nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml)" + CPU_INSTEAD, cause);
        }
        if (lower.contains("nvidia-container-cli") || lower.contains("nvidia-container-runtime")) {
            return new GpuRequestRefused(who + " could not set up the GPUs (" + asked + "): " + m + ". Training was not started.",
                    "check the NVIDIA driver on the engine's host (nvidia-smi there) and the device ids in <gpus>" + CPU_INSTEAD, cause);
        }
        return null;
    }
}
