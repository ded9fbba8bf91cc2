package dev.exprun.tagging;

import java.util.List;
import java.util.Map;

/**
 * An exp tag as {@code exp:tag} writes it: an annotated tag whose message carries the
 * {@code exprun.tag/v1} JSON block.
 *
 * @param name      the tag's short name
 * @param commit    the commit the tag points at (peeled)
 * @param runId     the run it released; null when the block lacks it
 * @param artifacts the build's attached artifacts with their sha256
 */
public record ExpTag(String name, String commit, String runId, String image, String imageDigest,
        Map<String, Object> params, Map<String, Double> metrics, List<Artifact> artifacts) {

    public ExpTag {
        params = params == null ? Map.of() : params;
        metrics = metrics == null ? Map.of() : metrics;
        artifacts = List.copyOf(artifacts);
    }

    /** An attached artifact: Maven coordinates {@code groupId:artifactId:type:classifier:version} and sha256. */
    public record Artifact(String coordinates, String sha256) {
    }
}
