package dev.exprun.maven;

import dev.exprun.branches.ArchiveRequest;
import dev.exprun.branches.BranchArchiver;
import dev.exprun.core.ExpLog;
import dev.exprun.tagging.TagOptions;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Closes an experiment without losing it: an annotated tag {@code archive/<branch>} on the branch's tip carrying its run
 * summary (best run, metrics, run count), then the branch deleted locally and, with {@code push}, on the remote. With
 * {@code merged}, every experiment branch already merged into main; with {@code dryRun}, only the list.
 */
@Mojo(name = "archive", requiresProject = true, threadSafe = true)
public class ArchiveMojo extends AbstractBranchesMojo {

    /** The experiment branch to archive, e.g. {@code exp/dropout-0.3}. */
    @Parameter(property = ExpProperties.BRANCH)
    private String branch;

    /** Archive every experiment branch already merged into main (listed first) instead of one. */
    @Parameter(property = ExpProperties.MERGED, defaultValue = "false")
    private boolean merged;

    /** Only list what would be archived; change nothing. */
    @Parameter(property = ExpProperties.DRY_RUN, defaultValue = "false")
    private boolean dryRun;

    /** What the archive tag's name starts with; the branch's name follows: {@code archive/exp/dropout-0.3}. */
    @Parameter(property = ExpProperties.ARCHIVE_PREFIX, defaultValue = ArchiveRequest.DEFAULT_PREFIX)
    private String archivePrefix;

    /** Push the tag to {@code remote} and delete the branch there, in one atomic push that never forces. */
    @Parameter(property = ExpProperties.PUSH, defaultValue = "false")
    private boolean push;

    /** The git remote to push to. */
    @Parameter(property = ExpProperties.REMOTE, defaultValue = TagOptions.DEFAULT_REMOTE)
    private String remote;

    /** A settings.xml server whose username and password log in to the remote; unset: what git itself uses. */
    @Parameter(property = ExpProperties.GIT_SERVER_ID)
    private String gitServerId;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    private final SettingsDecrypter settingsDecrypter;

    @Inject
    public ArchiveMojo(SettingsDecrypter settingsDecrypter) {
        this.settingsDecrypter = settingsDecrypter;
    }

    @Override
    protected String goal() {
        return "exp:archive";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        new BranchArchiver(log).archive(new ArchiveRequest(project.getBasedir().toPath(), branch, merged, dryRun, archivePrefix,
                selection(null, null), push, remote, push ? SettingsServers.gitCredentials(session, settingsDecrypter, gitServerId, getLog()) : null));
    }
}
