package dev.exprun.maven;

import dev.exprun.artifacts.ArtifactDigest;
import dev.exprun.core.ExpLog;
import dev.exprun.gate.GateCheck;
import dev.exprun.record.RunRecord;
import dev.exprun.tagging.ModelTagger;
import dev.exprun.tagging.TagName;
import dev.exprun.tagging.TagRequest;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Marks the run's commit with an immutable annotated tag whose message carries the metrics and a
 * machine-readable JSON block (run, commit, image digest, params, metrics, artifacts with sha256).
 * Refuses a dirty tree, a HEAD that is not the run's commit, failed gates and an existing tag.
 */
@Mojo(name = "tag", defaultPhase = LifecyclePhase.INSTALL, threadSafe = true)
public class TagMojo extends AbstractRunGoalMojo {

    /** The tag name; may use ${project.version}, ${exp.metric.NAME} (0.932 becomes 0932) and ${exp.image.tag}. */
    @Parameter(property = "exp.tagName")
    private String tagName;

    /** The pattern tag names must match; default {@code v<major>.<minor>[-<type>][-<desc>]}, lower case. */
    @Parameter(property = "exp.tagPattern", defaultValue = TagName.DEFAULT_PATTERN)
    private String tagPattern;

    @Override
    protected String goal() {
        return "exp:tag";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        RunRecord run = GateCheck.readRun(recordPath());
        String name = TagName.resolve(tagName, tagPattern, run);
        new ModelTagger(log).tag(new TagRequest(project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                name, run, GateCheck.evaluate(gates(), run.metrics()), artifacts(), System.getenv()));
    }

    /** The build's attached artifacts with their coordinates and sha256, for the tag's JSON block. */
    private List<Map<String, String>> artifacts() {
        List<Map<String, String>> list = new ArrayList<>();
        for (Artifact a : project.getAttachedArtifacts()) {
            if (a.getFile() != null) {
                list.add(ArtifactDigest.of(a.getGroupId() + ":" + a.getArtifactId() + ":" + a.getType() + ":" + a.getClassifier()
                        + ":" + a.getVersion(), a.getFile().toPath()));
            }
        }
        return list;
    }
}
