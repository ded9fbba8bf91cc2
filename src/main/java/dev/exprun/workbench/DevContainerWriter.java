package dev.exprun.workbench;

import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ImageResolver;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpLog;
import dev.exprun.git.WorkTreeLocation;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunSettings;
import java.nio.file.Path;

/**
 * {@code exp:devcontainer}: writes the project's devcontainer.json from exp:run's configuration, with the image resolved
 * (pull policy, pin check, digest) by the same resolver, on the same engine, as a run. Nothing runs and nothing is recorded.
 */
public final class DevContainerWriter {
    private final ExpLog log;

    public DevContainerWriter(ExpLog log) {
        this.log = log;
    }

    /** force: replace a devcontainer.json that exp:devcontainer did not write. Returns the file written. */
    public Path write(RunConfiguration config, boolean force) {
        RunSettings settings = RunSettings.withoutCommand(config);
        DevContainerFile file = new DevContainerFile(config.baseDir());
        // Before the engine is asked (a pull can take minutes): a refusal must come at once and change nothing.
        file.requireReplaceable(force);
        WorkTreeLocation location = WorkTreeLocation.of(config.baseDir());
        DevContainer content;
        try (EngineConnection engine = EngineConnection.open(config.dockerHost(), config.hostEnvironment())) {
            EngineInfo info = engine.info();
            log.info("Engine: " + info.describe() + " at " + engine.host() + " (" + engine.source() + ")");
            ResolvedImage image = new ImageResolver(engine, log, config.registryCredentials()).resolve(settings.image(), settings.pull());
            log.info("Image: " + image.describe());
            if (!image.hasRegistryDigest()) {
                log.warn("The image has no registry digest, so devcontainer.json names it by its image id, which only this engine ("
                        + engine.host() + ") knows: open the project with an editor that uses this engine.");
            }
            GpuRequestMode gpuMode = gpuMode(settings, info);
            content = DevContainer.of(config.project().artifactId() + " (exp:run's container)", settings, image, gpuMode, location,
                    new DevContainer.Marker(DevContainerFile.WRITTEN_BY, config.host().plugin(), config.project().coordinates(),
                            image.reference().toString(), image.digest(),
                            "Written from the plugin's configuration; run exp:devcontainer again to update it (it replaces its own "
                                    + "file, and no other without -Dexp.force=true)."));
        }
        file.write(content);
        log.info("Wrote " + file.path() + ": image " + content.image() + ", the work tree at " + content.workspaceFolder()
                + " (read-write), exprun from " + file.lib());
        if (!settings.env().isEmpty()) {
            log.info("Taken from your environment when the editor starts the container (never written): "
                    + String.join(", ", settings.env().keySet().stream().sorted().toList()));
        }
        return file.path();
    }

    /** As a run asks this engine for GPUs (auto resolved against what it is); null without GPUs. */
    private GpuRequestMode gpuMode(RunSettings settings, EngineInfo info) {
        if (!settings.gpus().requested()) {
            return null;
        }
        GpuRequestMode mode = settings.gpuRequest().resolve(info, settings.gpus());
        log.info("GPUs: gpus=" + settings.gpus().text() + " asked as " + mode.json() + " in runArgs: "
                + String.join(" ", DevContainer.gpuArgs(settings.gpus(), mode)));
        return mode;
    }
}
