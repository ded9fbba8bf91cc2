package dev.exprun.maven;

import dev.exprun.container.RegistryCredentials;
import java.util.HashMap;
import java.util.Map;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Goals that talk to the container engine: the image, how to get it, where the engine is, GPUs. */
abstract class AbstractEngineMojo extends AbstractExpMojo {

    /** The image, e.g. {@code pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime}; may end with {@code @sha256:<digest>}. */
    @Parameter(property = ExpProperties.IMAGE)
    protected String image;

    /** When to pull the image: {@code missing}, {@code always}, {@code never}. */
    @Parameter(property = ExpProperties.PULL, defaultValue = "missing")
    protected String pull;

    /** The engine's address; default {@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}. */
    @Parameter(property = ExpProperties.DOCKER_HOST)
    protected String dockerHost;

    /** GPUs: {@code none}, {@code all}, a count, or device ids {@code 0,1}. Verified inside the container. */
    @Parameter(property = ExpProperties.GPUS, defaultValue = "none")
    protected String gpus;

    /**
     * How GPUs are asked of the engine: {@code auto} (what the identified engine supports), {@code nvidia}
     * (the DeviceRequest of {@code docker run --gpus}) or {@code cdi} (CDI device names, nvidia.com/gpu=...).
     */
    @Parameter(property = ExpProperties.GPU_REQUEST, defaultValue = "auto")
    protected String gpuRequest;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    private final SettingsDecrypter settingsDecrypter;

    protected AbstractEngineMojo(SettingsDecrypter settingsDecrypter) {
        this.settingsDecrypter = settingsDecrypter;
    }

    /** settings.xml servers, decrypted; the image's registry host picks one by id. */
    protected Map<String, RegistryCredentials> registryCredentials() {
        Map<String, RegistryCredentials> byHost = new HashMap<>();
        SettingsServers.withLogins(session, settingsDecrypter, getLog()).forEach((id, server) -> byHost.put(id,
                new RegistryCredentials(server.getUsername(), server.getPassword(), "settings.xml server " + id)));
        return byHost;
    }

    protected String projectCoordinates() {
        return project.getGroupId() + ":" + project.getArtifactId();
    }
}
