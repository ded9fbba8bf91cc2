package dev.exprun.slurm;

import dev.exprun.core.ExpError;
import java.util.Arrays;
import java.util.Locale;

/** What starts the run's container on the compute node, inside the Slurm job. */
public enum ContainerRuntime {
    PODMAN("podman"),
    DOCKER("docker"),
    /** Apptainer (or Singularity) pulling {@code docker://<image>@sha256:...}. */
    APPTAINER("apptainer"),
    /** The pyxis SPANK plugin: {@code srun --container-image}, with enroot underneath. */
    PYXIS("pyxis");

    private final String text;

    ContainerRuntime(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static ContainerRuntime parse(String value) {
        String v = value == null || value.isBlank() ? "podman" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.text.equals(v)).findFirst().orElseThrow(() -> new ExpError(
                "The containerRuntime '" + value + "' is not podman, docker, apptainer or pyxis.",
                "set <containerRuntime> (-Dexp.containerRuntime) to the runtime the compute nodes have"));
    }

    /** True for the runtimes that pull from a registry by digest and cannot run a never-pushed local image. */
    public boolean needsRegistryDigest() {
        return this == APPTAINER || this == PYXIS;
    }
}
