package dev.exprun.container;

/**
 * The image a run uses. Containers are created from {@code imageId}, never from the tag, so the
 * digest in the record is the image that ran even if the tag moves meanwhile.
 */
public record ResolvedImage(ImageReference reference, String imageId, String digest, String digestSource) {
    public static final String REPO_DIGEST = "repo-digest";
    public static final String IMAGE_ID = "image-id";
}
