package dev.exprun.maven;

import dev.exprun.artifacts.ArtifactDigest;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.GateCheck;
import dev.exprun.record.RunRecord;
import dev.exprun.run.RunDirectory;
import dev.exprun.tagging.ModelTagger;
import dev.exprun.tagging.TagName;
import dev.exprun.tagging.TagOptions;
import dev.exprun.tagging.TagRequest;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Marks the run's commit with an immutable annotated tag whose message carries the metrics and a
 * machine-readable JSON block (run, commit, image digest, params, metrics, artifacts with sha256).
 * Refuses a dirty tree, a HEAD that is not the run's commit, failed gates and a tag name that exists
 * locally or on the remote; optionally signs it (gpg, as git does) and pushes it.
 */
@Mojo(name = "tag", defaultPhase = LifecyclePhase.INSTALL, threadSafe = true)
public class TagMojo extends AbstractRunGoalMojo {

    /** The tag name; may use ${project.version}, ${exp.metric.NAME} (0.932 becomes 0932) and ${exp.image.tag}. */
    @Parameter(property = ExpProperties.TAG_NAME)
    private String tagName;

    /** The pattern tag names must match; default {@code v<major>.<minor>[-<type>][-<desc>]}, lower case. */
    @Parameter(property = ExpProperties.TAG_PATTERN, defaultValue = TagName.DEFAULT_PATTERN)
    private String tagPattern;

    /** Sign the tag with gpg as {@code git tag -s} does; unset follows git's {@code tag.gpgSign}. */
    @Parameter(property = ExpProperties.SIGN)
    private Boolean sign;

    /** Push the tag to {@code remote}; it is never forced, so a tag the remote has is never overwritten. */
    @Parameter(property = ExpProperties.PUSH, defaultValue = "false")
    private boolean push;

    /** The git remote to check for the name and to push to. */
    @Parameter(property = ExpProperties.REMOTE, defaultValue = TagOptions.DEFAULT_REMOTE)
    private String remote;

    /** A settings.xml server whose username and password log in to the remote; unset: what git itself uses. */
    @Parameter(property = ExpProperties.GIT_SERVER_ID)
    private String gitServerId;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    private final SettingsDecrypter settingsDecrypter;

    @Inject
    public TagMojo(SettingsDecrypter settingsDecrypter) {
        this.settingsDecrypter = settingsDecrypter;
    }

    @Override
    protected String goal() {
        return "exp:tag";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        RunRecord run = GateCheck.readRun(recordPath());
        String name = TagName.resolve(tagName, tagPattern, run);
        TagOptions options = new TagOptions(sign, push, remote,
                SettingsServers.gitCredentials(session, settingsDecrypter, gitServerId, getLog()));
        new ModelTagger(log).tag(new TagRequest(project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                name, run, GateCheck.evaluate(gates(log), run.metrics()), artifacts(recordPath()), System.getenv(), options));
    }

    /**
     * The build's attached artifacts with their coordinates and sha256, for the tag's JSON block: those of the
     * tagged run, and the build's other files, but never another run's (a sweep attaches every trial's).
     */
    private List<Map<String, String>> artifacts(Path record) {
        Path runDir = record.toAbsolutePath().getParent();
        Path runs = RunDirectory.of(new File(project.getBuild().getDirectory()).toPath(), "x").root().getParent();
        List<Map<String, String>> list = new ArrayList<>();
        for (Artifact a : project.getAttachedArtifacts()) {
            Path file = a.getFile() == null ? null : a.getFile().toPath().toAbsolutePath();
            if (file != null && (file.startsWith(runDir) || !file.startsWith(runs))) {
                list.add(ArtifactDigest.of(a.getGroupId() + ":" + a.getArtifactId() + ":" + a.getType() + ":" + a.getClassifier()
                        + ":" + a.getVersion(), a.getFile().toPath()));
            }
        }
        return list;
    }
}
