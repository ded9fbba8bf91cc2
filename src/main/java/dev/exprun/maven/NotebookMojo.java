package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.workbench.NotebookAddress;
import dev.exprun.workbench.NotebookSession;
import dev.exprun.workbench.Terminal;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Jupyter in the run's container: the same image (by digest), mounts, user, environment, {@code exprun} on PYTHONPATH
 * and GPUs as exp:run, the work tree mounted read-write, published on {@code bindAddress:port} with a fresh token. It
 * prints the URL once Jupyter is up and serves until Ctrl-C, which stops and removes the container. Not a recorded run.
 */
@Mojo(name = "notebook", requiresProject = true, threadSafe = true)
public class NotebookMojo extends AbstractContainerMojo {

    /** The host port Jupyter is published on (Jupyter listens on 8888 inside the container). */
    @Parameter(property = ExpProperties.PORT, defaultValue = "" + NotebookAddress.DEFAULT_PORT)
    protected int port;

    /** The host address the port is bound to; {@code 0.0.0.0} opens the notebook to the network. */
    @Parameter(property = ExpProperties.BIND_ADDRESS, defaultValue = NotebookAddress.DEFAULT_BIND_ADDRESS)
    protected String bindAddress;

    @Inject
    public NotebookMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter, runtime);
    }

    @Override
    protected String goal() {
        return "exp:notebook";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        new NotebookSession(log).run(sessionConfiguration(null), new NotebookAddress(bindAddress, port), Terminal.system());
    }
}
