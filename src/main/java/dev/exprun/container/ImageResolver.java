package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Makes the image present according to the pull policy and finds the digest that will run. */
public final class ImageResolver {
    private static final long PULL_TIMEOUT_MINUTES = 60;

    private final EngineConnection engine;
    private final ExpLog log;
    private final Map<String, RegistryCredentials> credentialsByHost;

    /** credentialsByHost: logins from the build's settings (server id = registry host), checked first. */
    public ImageResolver(EngineConnection engine, ExpLog log, Map<String, RegistryCredentials> credentialsByHost) {
        this.engine = engine;
        this.log = log;
        this.credentialsByHost = credentialsByHost;
    }

    public ResolvedImage resolve(ImageReference ref, PullPolicy policy) {
        if (ref.byImageId()) {
            return byImageId(ref, policy);
        }
        String local = ref.pullReference();
        InspectImageResponse image = policy == PullPolicy.ALWAYS ? null : inspect(local);
        if (image == null) {
            if (ref.pinned()) {
                refuseImageIdAsDigest(ref);
            }
            if (policy == PullPolicy.NEVER) {
                throw new ExpError("The image " + ref + " is not present in the engine and pull=never forbids pulling it.",
                        "pull it first (docker pull " + local + "), or set <pull>missing</pull> (-Dexp.pull=missing)");
            }
            pull(ref);
            image = inspect(local);
            if (image == null) {
                throw new ExpError("The engine reported the pull of " + local + " as done, but the image is not there.",
                        "check the engine's storage and pull " + local + " by hand");
            }
        }
        return describe(ref, image);
    }

    /** An image id names an image in this engine only: it is used when present and can never be pulled. */
    private ResolvedImage byImageId(ImageReference ref, PullPolicy policy) {
        if (policy == PullPolicy.ALWAYS) {
            throw new ExpError("The image " + ref + " is an image id, which cannot be pulled, and pull=always asks to pull it.",
                    "set <pull>missing</pull> (-Dexp.pull=missing), or pin a registry digest (name@sha256:<manifest digest>)");
        }
        InspectImageResponse image = inspect(ref.digest());
        if (image == null || !ref.digest().equals(idOf(image))) {
            throw new ExpError("The image id " + ref + " is not in the engine at " + engine.host()
                    + ": an image id names an image in one engine only, and cannot be pulled.",
                    "load the image into this engine (docker save | docker load keeps its id), or pin a registry digest "
                            + "(name@sha256:<manifest digest>) of an image that was pushed");
        }
        return describe(ref, image);
    }

    /**
     * name@sha256:X where X is no registry digest but the id of a local image: neither engine resolves
     * that, and a pull would fail with a registry error that hides the cause. Say what to write instead.
     */
    private void refuseImageIdAsDigest(ImageReference ref) {
        InspectImageResponse byId = inspect(ref.digest());
        // (Docker's containerd image store gives an image its manifest digest as id: a real pin, not refused)
        boolean confirmed = byId != null && byId.getRepoDigests() != null && byId.getRepoDigests().stream()
                .anyMatch(d -> d.endsWith("@" + ref.digest()) && normalize(d.substring(0, d.indexOf('@'))).equals(normalize(ref.name())));
        if (byId != null && ref.digest().equals(idOf(byId)) && !confirmed) {
            throw new ExpError("The image " + ref + " is pinned to " + ref.digest() + ", which is the id of a local image (never pushed, so "
                    + "it has no registry digest), not a digest the engine can confirm for " + ref.name() + ".",
                    "pin it by image id: <image>" + ref.digest() + "</image> (-Dexp.image=" + ref.digest() + "), or push the image "
                            + "and pin the registry's digest");
        }
    }

    private static String idOf(InspectImageResponse image) {
        return image.getId().startsWith("sha256:") ? image.getId() : "sha256:" + image.getId();
    }

    ResolvedImage describe(ImageReference ref, InspectImageResponse image) {
        String imageId = idOf(image);
        List<String> env = image.getConfig() == null || image.getConfig().getEnv() == null
                ? List.of() : List.of(image.getConfig().getEnv());
        List<String> repoDigests = image.getRepoDigests() == null ? List.of() : image.getRepoDigests();
        if (ref.byImageId()) {
            return new ResolvedImage(ref, imageId, imageId, ResolvedImage.IMAGE_ID, env);
        }
        if (ref.pinned()) {
            // No RepoDigests (an imported or locally built image) means the pin cannot be checked: refuse.
            boolean known = repoDigests.stream().anyMatch(d -> d.endsWith("@" + ref.digest()));
            if (!known) {
                throw new ExpError("The engine's image for " + ref + " carries the digests " + repoDigests
                        + ", not the pinned " + ref.digest() + ".", "check the digest in <image>, or remove the local image and pull again");
            }
            return new ResolvedImage(ref, imageId, ref.digest(), ResolvedImage.REPO_DIGEST, env);
        }
        String wanted = normalize(ref.name());
        for (String repoDigest : repoDigests) {
            int at = repoDigest.indexOf('@');
            if (at > 0 && normalize(repoDigest.substring(0, at)).equals(wanted)) {
                return new ResolvedImage(ref, imageId, repoDigest.substring(at + 1), ResolvedImage.REPO_DIGEST, env);
            }
        }
        return new ResolvedImage(ref, imageId, imageId, ResolvedImage.IMAGE_ID, env);
    }

    /** Docker reports Docker Hub names short ("pytorch/pytorch"), Podman long ("docker.io/pytorch/pytorch"). */
    static String normalize(String name) {
        String n = name.startsWith(ImageReference.DEFAULT_REGISTRY + "/") ? name.substring(10) : name;
        return n.startsWith("library/") ? n.substring(8) : n;
    }

    private InspectImageResponse inspect(String reference) {
        try {
            return engine.client().inspectImageCmd(reference).exec();
        } catch (NotFoundException e) {
            return null;
        }
    }

    private void pull(ImageReference ref) {
        String what = ref.pullReference();
        log.info("Pulling " + what);
        PullProgress progress = new PullProgress(log);
        var cmd = engine.client().pullImageCmd(ref.name());
        cmd = ref.pinned() ? cmd.withTag(ref.digest()) : cmd.withTag(ref.tag() == null ? "latest" : ref.tag());
        AuthConfig auth = auth(ref);
        if (auth != null) {
            cmd = cmd.withAuthConfig(auth);
        }
        try {
            boolean done = cmd.exec(progress).awaitCompletion(PULL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!done) {
                throw new ExpError("Pulling " + what + " did not finish within " + PULL_TIMEOUT_MINUTES + " minutes.",
                        "check the registry connection, or pull the image by hand before the build");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpError("Interrupted while pulling " + what + ".", null, e);
        } catch (ExpError e) {
            throw e;
        } catch (RuntimeException e) {
            throw pullFailed(ref, EngineConnection.rootMessage(e), auth, e);
        }
        if (progress.failure() != null) {
            throw pullFailed(ref, progress.failure(), auth, progress.error());
        }
    }

    private ExpError pullFailed(ImageReference ref, String why, AuthConfig auth, Throwable cause) {
        String fix = auth == null
                ? "check the name" + (ref.pinned() ? " and digest" : " and tag") + "; if the registry needs a login, add a <server> with id "
                        + ref.registryHost() + " to settings.xml or run docker login " + ref.registryHost()
                : "check the name" + (ref.pinned() ? " and digest" : " and tag") + " and the login for " + ref.registryHost()
                        + " (used: " + auth.getUsername() + ")";
        return new ExpError("Cannot pull " + ref.pullReference() + ": " + why, fix, cause);
    }

    private AuthConfig auth(ImageReference ref) {
        RegistryCredentials fromSettings = credentialsByHost.get(ref.registryHost());
        if (fromSettings != null) {
            log.debug("Using the settings.xml server " + ref.registryHost() + " to pull");
            return new AuthConfig().withRegistryAddress(ref.registryHost())
                    .withUsername(fromSettings.username()).withPassword(fromSettings.password());
        }
        try {
            AuthConfig fromDocker = engine.config().effectiveAuthConfig(ref.pullReference());
            if (fromDocker != null && (fromDocker.getUsername() != null || fromDocker.getIdentitytoken() != null
                    || fromDocker.getAuth() != null)) {
                log.debug("Using ~/.docker/config.json credentials for " + ref.registryHost());
                return fromDocker;
            }
        } catch (RuntimeException e) {
            log.warn("Ignoring unreadable Docker credentials for " + ref.registryHost() + ": " + e.getMessage());
        }
        return null;
    }
}
