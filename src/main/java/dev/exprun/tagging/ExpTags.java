package dev.exprun.tagging;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpError;
import dev.exprun.record.RecordJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/** The exp tags of a repository, read in one pass over refs/tags. Lightweight and plain annotated tags are not exp tags. */
public final class ExpTags {
    private ExpTags() {
    }

    /** Every exp tag, sorted by name. */
    public static List<ExpTag> read(Repository repo) {
        List<ExpTag> tags = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                RevObject object = walk.parseAny(ref.getObjectId());
                if (object instanceof RevTag tag) {
                    walk.parseBody(tag);
                    String commit = walk.peel(tag).name();
                    parse(Repository.shortenRefName(ref.getName()), commit, tag.getFullMessage()).ifPresent(tags::add);
                }
            }
        } catch (IOException e) {
            throw new ExpError("Cannot read the tags of the repository at " + repo.getDirectory() + ": " + e.getMessage(),
                    "check that the repository is readable (git tag -l works), or fetch the tags again (git fetch --tags)", e);
        }
        tags.sort(Comparator.comparing(ExpTag::name));
        return tags;
    }

    /** The exp tag a message describes, if it carries the exprun.tag/v1 block. */
    public static Optional<ExpTag> parse(String name, String commit, String message) {
        Optional<JsonNode> block = TagAnnotation.read(message);
        if (block.isEmpty() || !TagAnnotation.SCHEMA.equals(block.get().path("schema").asText())) {
            return Optional.empty();
        }
        JsonNode b = block.get();
        List<ExpTag.Artifact> artifacts = new ArrayList<>();
        for (JsonNode a : b.path("artifacts")) {
            if (a.path("sha256").isTextual()) {
                artifacts.add(new ExpTag.Artifact(text(a, "coordinates"), a.path("sha256").asText()));
            }
        }
        Map<String, Object> params = b.path("params").isObject()
                ? RecordJson.MAPPER.convertValue(b.path("params"), new TypeReference<LinkedHashMap<String, Object>>() { })
                : Map.of();
        Map<String, Double> metrics = new LinkedHashMap<>();
        b.path("metrics").fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                metrics.put(e.getKey(), e.getValue().asDouble());
            } else if (e.getValue().isTextual()) {
                metrics.put(e.getKey(), number(e.getValue().asText())); // NaN and Infinity are written as strings
            }
        });
        return Optional.of(new ExpTag(name, commit, text(b, "runId"), text(b.path("image"), "reference"),
                text(b.path("image"), "digest"), params, metrics, artifacts));
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.path(key);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static Double number(String text) {
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
