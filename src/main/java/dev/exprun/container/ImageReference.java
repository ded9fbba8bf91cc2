package dev.exprun.container;

import dev.exprun.core.ExpError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference, {@code [registry/]repository[:tag][@sha256:digest]}, checked when parsed; or an
 * image id {@code sha256:<64 hex>} (repository null), which names an image in one engine only: Docker
 * keeps no registry digest for an image that was built, loaded or imported and never pushed.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?");
    public static final String DEFAULT_REGISTRY = "docker.io";

    public static ImageReference parse(String text) {
        String fix = "set <image> (-Dexp.image) to a reference such as pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime"
                + " or registry.example/team/train@sha256:<64 hex digits>";
        if (text == null || text.isBlank()) {
            throw new ExpError("No image is configured.", fix);
        }
        String rest = text.trim();
        if (DIGEST.matcher(rest).matches()) {
            return new ImageReference(null, null, null, rest);
        }
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new ExpError("The image digest in '" + text + "' is not sha256:<64 lower-case hex digits>.", fix);
            }
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
                if (!HOST.matcher(registry).matches()) {
                    throw new ExpError("The registry '" + registry + "' in image '" + text + "' is not a host[:port].", fix);
                }
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new ExpError("The tag '" + tag + "' in image '" + text + "' is not a valid tag.", fix);
            }
        }
        for (String component : rest.split("/", -1)) {
            Matcher m = COMPONENT.matcher(component);
            if (!m.matches()) {
                throw new ExpError("The repository '" + rest + "' in image '" + text
                        + "' is not valid (lower case letters, digits and separators . _ - /).", fix);
            }
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    public boolean pinned() {
        return digest != null;
    }

    /** True for {@code sha256:<image id>}: pinned, never pulled. */
    public boolean byImageId() {
        return repository == null;
    }

    /** The registry host that credentials are looked up by. */
    public String registryHost() {
        return registry == null ? DEFAULT_REGISTRY : registry;
    }

    /** Repository name as the engine reports it in RepoDigests (registry included when given). */
    public String name() {
        if (byImageId()) {
            return digest;
        }
        return registry == null ? repository : registry + "/" + repository;
    }

    /** What to look up or pull: the image id, by digest when pinned, else by tag (latest when none). */
    public String pullReference() {
        if (byImageId()) {
            return digest;
        }
        return pinned() ? name() + "@" + digest : name() + ":" + (tag == null ? "latest" : tag);
    }

    @Override
    public String toString() {
        if (byImageId()) {
            return digest;
        }
        return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
