package dev.exprun.which;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The provenance a file carries about itself, as exprun.py's {@code provenance()} wrote it (snake_case
 * keys: run_id, commit, branch, describe, dirty, patch_sha256, image, image_digest, params, project,
 * started_at, schema; a sidecar adds file, sha256 and size).
 *
 * @param kind    where it was found
 * @param where   the sidecar's file name, the zip entry, or the header key it was read from
 * @param content the provenance object itself
 */
public record FileProvenance(Kind kind, String where, JsonNode content) {

    public enum Kind {
        SIDECAR("sidecar"),
        TORCH_ZIP("torch.save pickle"),
        TORCH_LEGACY("legacy torch.save pickle"),
        SAFETENSORS("safetensors header");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** e.g. {@code sidecar best.pt.provenance.json} or {@code torch.save pickle best/data.pkl}. */
    public String source() {
        return kind.label() + " " + where;
    }

    public String runId() {
        return text("run_id");
    }

    public String commit() {
        return text("commit");
    }

    public String branch() {
        return text("branch");
    }

    public String describe() {
        return text("describe");
    }

    public String image() {
        return text("image");
    }

    public String imageDigest() {
        return text("image_digest");
    }

    public String project() {
        return text("project");
    }

    public String startedAt() {
        return text("started_at");
    }

    public String patchSha256() {
        return text("patch_sha256");
    }

    /** null when the saving process did not know (outside the plugin). */
    public Boolean dirty() {
        JsonNode v = content.path("dirty");
        return v.isBoolean() ? v.asBoolean() : null;
    }

    /** An object node, empty when the provenance has no params. */
    public JsonNode params() {
        JsonNode v = content.path("params");
        return v.isObject() ? v : JsonNodeFactory.instance.objectNode();
    }

    private String text(String key) {
        JsonNode v = content.path(key);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }
}
