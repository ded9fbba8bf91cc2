package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.workbench.ShellSession;
import dev.exprun.workbench.Terminal;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * An interactive shell in the run's container: the same image (by digest), mounts, user, environment, {@code exprun}
 * on PYTHONPATH and GPUs as exp:run, the work tree mounted read-write. A terminal when Maven runs in one, plain stdin
 * and stdout otherwise ({@code echo 'python3 train.py' | mvn exp:shell}). The shell's exit code fails the build when
 * it is not 0. Not a recorded run.
 */
@Mojo(name = "shell", requiresProject = true, threadSafe = true)
public class ShellMojo extends AbstractContainerMojo {

    /**
     * The session's command, one line split like a shell would; default {@code bash}, else {@code sh}. Its own
     * parameter, not {@code command}: the training command in the POM must not become the shell.
     */
    @Parameter(property = ExpProperties.SHELL_COMMAND)
    protected String shellCommand;

    @Inject
    public ShellMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter, runtime);
    }

    @Override
    protected String goal() {
        return "exp:shell";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        new ShellSession(log).run(sessionConfiguration(shellCommand), Terminal.system());
    }
}
