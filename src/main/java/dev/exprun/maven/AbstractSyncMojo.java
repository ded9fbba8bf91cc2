package dev.exprun.maven;

import dev.exprun.tagging.GitCredentials;
import dev.exprun.tagging.TagOptions;
import java.nio.file.Path;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** exp:fetch-runs and exp:push-runs: the remote and how to log in to it, as exp:tag has them. */
abstract class AbstractSyncMojo extends AbstractExpMojo {
    /** The git remote whose refs/notes/exprun is merged with ours. */
    @Parameter(property = ExpProperties.REMOTE, defaultValue = TagOptions.DEFAULT_REMOTE)
    protected String remote;

    /** A settings.xml server whose username and password log in to the remote; unset: what git itself uses. */
    @Parameter(property = ExpProperties.GIT_SERVER_ID)
    private String gitServerId;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    private final SettingsDecrypter settingsDecrypter;

    protected AbstractSyncMojo(SettingsDecrypter settingsDecrypter) {
        this.settingsDecrypter = settingsDecrypter;
    }

    protected Path baseDir() {
        return project.getBasedir().toPath();
    }

    protected GitCredentials credentials() {
        return SettingsServers.gitCredentials(session, settingsDecrypter, gitServerId, getLog());
    }
}
