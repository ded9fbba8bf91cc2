package dev.exprun.container;

import java.util.List;

/**
 * The image a run uses. Containers are created from {@code imageId}, never from the tag, so the
 * digest in the record is the image that ran even if the tag moves meanwhile. env is the image's
 * own environment ({@code NAME=value}), needed to extend rather than replace its PYTHONPATH.
 */
public record ResolvedImage(ImageReference reference, String imageId, String digest, String digestSource, List<String> env) {
    public static final String REPO_DIGEST = "repo-digest";
    public static final String IMAGE_ID = "image-id";

    /** As the build log says it: the reference, the digest that runs, and whether that is an image id (never pushed). */
    public String describe() {
        return reference + " = " + digest + (IMAGE_ID.equals(digestSource) ? " (image id: never pushed)" : "");
    }

    /**
     * The reference that names exactly this image for the engine's CLI: {@code name@digest} for a registry digest, the image id
     * otherwise (an engine cannot resolve {@code name@<image id>}).
     */
    public String pinnedReference() {
        return hasRegistryDigest() ? reference.name() + "@" + digest : imageId;
    }

    /** True when the digest is the registry's manifest digest, which any engine that can pull the name resolves. */
    public boolean hasRegistryDigest() {
        return REPO_DIGEST.equals(digestSource) && !reference.byImageId();
    }

    /** The image's value of an environment variable, or null. */
    public String envValue(String name) {
        return env.stream().filter(e -> e.startsWith(name + "=")).map(e -> e.substring(name.length() + 1)).findFirst().orElse(null);
    }
}

