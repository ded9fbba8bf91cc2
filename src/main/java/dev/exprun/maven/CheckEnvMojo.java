package dev.exprun.maven;

import dev.exprun.check.CheckConfiguration;
import dev.exprun.check.CheckRow;
import dev.exprun.check.CheckTable;
import dev.exprun.check.EnvironmentChecker;
import dev.exprun.core.ExpLog;
import java.io.File;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Checks, in order, what a training run needs and prints a verdict per row: the engine, the image,
 * the GPUs inside a container, PyTorch inside the container ({@code exprun.check_env()}), the git
 * state. BUILD FAILURE when a required check fails, with its fix.
 */
@Mojo(name = "check-env", threadSafe = true)
public class CheckEnvMojo extends AbstractEngineMojo {

    @Inject
    public CheckEnvMojo(SettingsDecrypter settingsDecrypter) {
        super(settingsDecrypter);
    }

    @Override
    protected String goal() {
        return "exp:check-env";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        List<CheckRow> rows = new EnvironmentChecker(log).check(new CheckConfiguration(projectCoordinates(),
                project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(), image, pull, dockerHost, gpus, gpuRequest,
                registryCredentials(), System.getenv()));
        CheckTable.lines(rows).forEach(log::info);
        EnvironmentChecker.requirePassed(rows);
    }
}
