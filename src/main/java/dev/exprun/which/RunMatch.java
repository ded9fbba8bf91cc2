package dev.exprun.which;

import java.util.List;
import java.util.Map;

/**
 * One recorded run that produced the file: from its note when there is one (the fuller record),
 * else from the exp tag that lists the file.
 *
 * @param status    {@code succeeded}, ...; null when only a tag knows the run
 * @param dirty     the run used uncommitted changes (its patch, sha256 {@code patchSha256}, is needed to reproduce it)
 * @param matched   where the file's sha256 was found: the note's artifacts and/or exp tags' artifacts
 * @param tags      exp tags on the run's commit, sorted
 */
public record RunMatch(String runId, String status, String startedAt, String commit, String branch, String describe,
        boolean dirty, String patchSha256, String image, String imageDigest, Map<String, Object> params,
        Map<String, Double> metrics, List<MatchedArtifact> matched, List<String> tags) {

    public RunMatch {
        params = params == null ? Map.of() : params;
        metrics = metrics == null ? Map.of() : metrics;
        matched = List.copyOf(matched);
        tags = List.copyOf(tags);
    }

    /**
     * @param coordinates {@code groupId:artifactId:type:classifier:version}
     * @param path        the output's path under the run's output dir; null when not known (tags do not keep it)
     * @param recordedIn  {@code note} or {@code tag <name>}
     */
    public record MatchedArtifact(String coordinates, String path, String recordedIn) {
    }
}
