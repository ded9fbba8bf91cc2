package dev.exprun.maven;

import dev.exprun.cache.CacheConfiguration;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.run.RunConfiguration;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Goals that start the run's container, to train (exp:run, exp:sweep, exp:reproduce) or to work in it (exp:shell,
 * exp:notebook): what the container is made of, declared once so that a session gets exactly a run's container.
 */
abstract class AbstractContainerMojo extends AbstractEngineMojo {

    /** Refuse an image reference without a {@code @sha256:} digest. */
    @Parameter(property = ExpProperties.REQUIRE_PINNED_IMAGE, defaultValue = "false")
    protected boolean requirePinnedImage;

    /**
     * How the work tree is mounted at /workspace: {@code ro} or {@code rw}. Unset: {@code ro} for the goals that train,
     * {@code rw} for exp:shell and exp:notebook.
     */
    @Parameter(property = ExpProperties.WORKSPACE_MOUNT)
    protected String workspaceMount;

    /** Container user: {@code host} (the build's uid:gid), {@code image} (the image's own), or {@code uid[:gid]}/name. */
    @Parameter(property = ExpProperties.USER, defaultValue = "host")
    protected String user;

    /** Size of /dev/shm; PyTorch DataLoader workers need far more than Docker's 64m. */
    @Parameter(property = ExpProperties.SHM_SIZE, defaultValue = "2g")
    protected String shmSize;

    /** Container network; the engine's default when unset; {@code none} cuts the container off. */
    @Parameter(property = ExpProperties.NETWORK)
    protected String network;

    /** Extra environment variables for the script. Only their names are recorded. */
    @Parameter
    protected Map<String, String> env;

    /** The run's params, given to the script as EXP_PARAMS; -Dexp.param.NAME=VALUE overrides. */
    @Parameter
    protected Map<String, String> params;

    /** Keep a summary of every run as a git note on its commit (refs/notes/exprun): {@code notes}, or {@code none}. */
    @Parameter(property = ExpProperties.RECORD_IN_GIT, defaultValue = "notes")
    protected String recordInGit;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    protected PluginDescriptor plugin;

    private final RuntimeInformation runtime;

    protected AbstractContainerMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter);
        this.runtime = runtime;
    }

    /**
     * A session's configuration: the container's settings as a run has them, command the session's own (null: its
     * default), nothing of training (timeout, outputs, cache, executor).
     */
    protected RunConfiguration sessionConfiguration(String commandLine) {
        return new RunConfiguration(projectInfo(), project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                image, requirePinnedImage, pull, dockerHost, null, workspaceMount, user, shmSize, network, env(), null, null,
                commandLine, gpus, gpuRequest, params(), paramOverrides(), List.of(), registryCredentials(), System.getenv(),
                hostInfo(), recordInGit, null, null, null, null, CacheConfiguration.OFF);
    }

    protected ProjectInfo projectInfo() {
        return new ProjectInfo(project.getGroupId(), project.getArtifactId(), project.getVersion());
    }

    protected HostInfo hostInfo() {
        return new HostInfo(System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                runtime.getMavenVersion(), plugin.getVersion());
    }

    protected Map<String, String> env() {
        return env == null ? Map.of() : new TreeMap<>(env);
    }

    protected Map<String, String> params() {
        return params == null ? Map.of() : params;
    }

    protected Map<String, String> paramOverrides() {
        Map<String, String> overrides = new TreeMap<>();
        collectParams(session.getSystemProperties(), overrides);
        collectParams(session.getUserProperties(), overrides);
        return overrides;
    }

    private static void collectParams(Properties properties, Map<String, String> into) {
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(ExpProperties.PARAM_PREFIX) && name.length() > ExpProperties.PARAM_PREFIX.length()) {
                into.put(name.substring(ExpProperties.PARAM_PREFIX.length()), properties.getProperty(name));
            }
        }
    }
}
