package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.run.Attachment;
import dev.exprun.run.ExperimentRunner;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunResult;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.inject.Inject;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Trains in a pinned container with full git provenance and attaches the results (record, metrics,
 * log, patch, checkpoints) as build artifacts, so {@code install} and {@code deploy} publish them.
 */
@Mojo(name = "run", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class RunMojo extends AbstractEngineMojo {

    /** Refuse an image reference without a {@code @sha256:} digest. */
    @Parameter(property = ExpProperties.REQUIRE_PINNED_IMAGE, defaultValue = "false")
    private boolean requirePinnedImage;

    /** Uncommitted changes: {@code warn} (run and record the patch), {@code fail} (refuse), {@code allow}. */
    @Parameter(property = ExpProperties.DIRTY, defaultValue = "warn")
    private String dirty;

    /** How the work tree is mounted at /workspace: {@code ro} or {@code rw}. */
    @Parameter(property = ExpProperties.WORKSPACE_MOUNT, defaultValue = "ro")
    private String workspaceMount;

    /** Container user: {@code host} (the build's uid:gid), {@code image} (the image's own), or {@code uid[:gid]}/name. */
    @Parameter(property = ExpProperties.USER, defaultValue = "host")
    private String user;

    /** Size of /dev/shm; PyTorch DataLoader workers need far more than Docker's 64m. */
    @Parameter(property = ExpProperties.SHM_SIZE, defaultValue = "2g")
    private String shmSize;

    /** Container network; the engine's default when unset; {@code none} cuts the container off. */
    @Parameter(property = ExpProperties.NETWORK)
    private String network;

    /** Extra environment variables for the script. Only their names are recorded. */
    @Parameter
    private Map<String, String> env;

    /** Stop the run after this long, e.g. {@code 90m}, {@code 1h30m}; no limit when unset. */
    @Parameter(property = ExpProperties.TIMEOUT)
    private String timeout;

    /** The training command as a list of arguments. */
    @Parameter
    private List<String> command;

    /** The training command as one line, split like a shell would (no shell runs); wins over {@code command}. */
    @Parameter(property = ExpProperties.COMMAND)
    private String commandLine;

    /** The run's params, given to the script as EXP_PARAMS; -Dexp.param.NAME=VALUE overrides. */
    @Parameter
    private Map<String, String> params;

    /** Files of the output dir to attach; default: the checkpoint files (.pt .pth .ckpt .safetensors .onnx). */
    @Parameter
    private List<Output> outputs;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    private final MavenProjectHelper projectHelper;
    private final RuntimeInformation runtime;

    @Inject
    public RunMojo(MavenProjectHelper projectHelper, SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter);
        this.projectHelper = projectHelper;
        this.runtime = runtime;
    }

    @Override
    protected String goal() {
        return "exp:run";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        RunResult result = new ExperimentRunner(log).run(configuration());
        for (Attachment a : result.attachments()) {
            projectHelper.attachArtifact(project, a.type(), a.classifier(), a.file().toFile());
            log.info("Attached " + a.classifier() + " (" + a.type() + "): " + a.file());
        }
        project.setContextValue(AbstractRunGoalMojo.RECORD_CONTEXT_KEY, result.directory().record().toString());
        log.info("Run " + result.record().runId() + " succeeded; record: " + result.directory().record());
    }

    private RunConfiguration configuration() {
        return new RunConfiguration(
                new ProjectInfo(project.getGroupId(), project.getArtifactId(), project.getVersion()),
                project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                image, requirePinnedImage, pull, dockerHost, dirty, workspaceMount, user, shmSize, network,
                env == null ? Map.of() : new TreeMap<>(env), timeout, command, commandLine, gpus,
                params == null ? Map.of() : params, paramOverrides(),
                outputs == null ? List.of() : outputs.stream().map(Output::toSpec).toList(),
                registryCredentials(), System.getenv(),
                new HostInfo(System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                        runtime.getMavenVersion(), plugin.getVersion()));
    }

    private Map<String, String> paramOverrides() {
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
