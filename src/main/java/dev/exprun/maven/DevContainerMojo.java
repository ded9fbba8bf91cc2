package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.workbench.DevContainerWriter;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Writes {@code .devcontainer/devcontainer.json}, so that VS Code or JetBrains opens the project in the container of its
 * runs: exp:run's image pinned by digest, the work tree at /workspace (read-write), the run's env names taken from your
 * environment, {@code exprun} on PYTHONPATH, shmSize, the user and the GPUs. It takes exp:run's configuration.
 */
@Mojo(name = "devcontainer", threadSafe = true)
public class DevContainerMojo extends AbstractTrainingMojo {

    /** Replace a devcontainer.json that exp:devcontainer did not write (its own is always replaced). */
    @Parameter(property = ExpProperties.FORCE, defaultValue = "false")
    protected boolean force;

    @Inject
    public DevContainerMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter, runtime);
    }

    @Override
    protected String goal() {
        return "exp:devcontainer";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        new DevContainerWriter(log).write(configuration(), force);
    }
}
