package dev.exprun.container;

import dev.exprun.core.ExpError;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.Locale;

/**
 * How GPUs are asked of the engine ({@code gpuRequest}): the DeviceRequest {@code docker run --gpus}
 * sends ({@code nvidia}), CDI device names ({@code cdi}), or what the identified engine supports ({@code auto}).
 */
public enum GpuRequestMode {
    AUTO, NVIDIA, CDI;

    public static GpuRequestMode parse(String value) {
        String v = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "nvidia" -> NVIDIA;
            case "cdi" -> CDI;
            default -> throw new ExpError("The gpuRequest '" + value + "' is not auto, nvidia or cdi.",
                    "set <gpuRequest> (-Dexp.gpuRequest) to auto (what the engine supports), nvidia (docker run --gpus) or cdi");
        };
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode to use with this engine. auto: CDI for CDI device names, and where the engine honours
     * CDI names and no NVIDIA runtime is registered (Docker with CDI enabled, Podman 5.4 and later),
     * else the --gpus request; a count always goes as --gpus does, since CDI names devices.
     * Docker registers its NVIDIA device driver when the toolkit's hook is installed, which /info does
     * not show; the toolkit's documented setup also registers an "nvidia" runtime, which it does show.
     */
    public GpuRequestMode resolve(EngineInfo engine, GpuRequest request) {
        if (this != AUTO) {
            return this;
        }
        if (request.namesCdiDevices()) {
            return CDI;
        }
        if (engine == null || request.count() != null && request.count() > 0) {
            return NVIDIA;
        }
        boolean nvidiaRuntime = engine.runtimes() != null && engine.runtimes().contains("nvidia");
        return switch (engine.name()) {
            case EngineIdentity.DOCKER -> !nvidiaRuntime && engine.cdiEnabled() ? CDI : NVIDIA;
            // Podman lists every runtime it knows of, installed or not: its version is what tells
            case EngineIdentity.PODMAN -> EngineIdentity.atLeast(engine.version(), 5, 4) ? CDI : NVIDIA;
            default -> NVIDIA;
        };
    }
}
