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

    /** The image's value of an environment variable, or null. */
    public String envValue(String name) {
        return env.stream().filter(e -> e.startsWith(name + "=")).map(e -> e.substring(name.length() + 1)).findFirst().orElse(null);
    }
}

