package dev.exprun.maven;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.CacheConfiguration;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.run.RunConfiguration;
import dev.exprun.slurm.SlurmConfiguration;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/** Goals that train: exp:run, and exp:reproduce, which trains again as a recorded run did. */
abstract class AbstractTrainingMojo extends AbstractEngineMojo {

    /** Refuse an image reference without a {@code @sha256:} digest. */
    @Parameter(property = ExpProperties.REQUIRE_PINNED_IMAGE, defaultValue = "false")
    protected boolean requirePinnedImage;

    /** Uncommitted changes: {@code warn} (run and record the patch), {@code fail} (refuse), {@code allow}. */
    @Parameter(property = ExpProperties.DIRTY, defaultValue = "warn")
    protected String dirty;

    /** How the work tree is mounted at /workspace: {@code ro} or {@code rw}. */
    @Parameter(property = ExpProperties.WORKSPACE_MOUNT, defaultValue = "ro")
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

    /** Stop the run after this long, e.g. {@code 90m}, {@code 1h30m}; no limit when unset. */
    @Parameter(property = ExpProperties.TIMEOUT)
    protected String timeout;

    /** The training command as a list of arguments. */
    @Parameter
    protected List<String> command;

    /** The training command as one line, split like a shell would (no shell runs); wins over {@code command}. */
    @Parameter(property = ExpProperties.COMMAND)
    protected String commandLine;

    /** The run's params, given to the script as EXP_PARAMS; -Dexp.param.NAME=VALUE overrides. */
    @Parameter
    protected Map<String, String> params;

    /** Files of the output dir to attach; default: the checkpoint files (.pt .pth .ckpt .safetensors .onnx). */
    @Parameter
    protected List<Output> outputs;

    /** Keep a summary of every run as a git note on its commit (refs/notes/exprun): {@code notes}, or {@code none}. */
    @Parameter(property = ExpProperties.RECORD_IN_GIT, defaultValue = "notes")
    protected String recordInGit;

    /**
     * How long a run waits for a GPU that another build (another work tree, another project) holds:
     * {@code forever} (default), {@code fail}, or a duration such as {@code 30m}.
     */
    @Parameter(property = ExpProperties.GPU_WAIT, defaultValue = "forever")
    protected String gpuWait;

    /** Where runs execute: {@code local} (the build's engine) or {@code slurm} (each run a Slurm job, through sbatch). */
    @Parameter(property = ExpProperties.EXECUTOR, defaultValue = "local")
    protected String executor;

    /** Slurm: the partition (sbatch --partition); the cluster's default when unset. */
    @Parameter(property = ExpProperties.PARTITION)
    protected String partition;

    /** Slurm: the account to charge (sbatch --account). */
    @Parameter(property = ExpProperties.ACCOUNT)
    protected String account;

    /** Slurm: the quality of service (sbatch --qos). */
    @Parameter(property = ExpProperties.QOS)
    protected String qos;

    /** Slurm: CPUs per task (sbatch --cpus-per-task). */
    @Parameter(property = ExpProperties.CPUS_PER_TASK)
    protected String cpusPerTask;

    /** Slurm: memory per node (sbatch --mem), e.g. {@code 32G}. */
    @Parameter(property = ExpProperties.MEM)
    protected String mem;

    /** Slurm: further sbatch options, one per element, e.g. {@code --constraint=a100}. */
    @Parameter
    protected List<String> sbatchArgs;

    /** Slurm: what runs the container on the node: {@code podman} (default), {@code docker}, {@code apptainer} or {@code pyxis}. */
    @Parameter(property = ExpProperties.CONTAINER_RUNTIME, defaultValue = "podman")
    protected String containerRuntime;

    /** Slurm: where run directories go, on storage the compute nodes see; default the project's target/exp/runs. */
    @Parameter(property = ExpProperties.SHARED_DIR)
    protected String sharedDir;

    /** Slurm: how often the build asks Slurm for its jobs' states (one squeue call for all of them); 1s at least. */
    @Parameter(property = ExpProperties.POLL_INTERVAL, defaultValue = "5s")
    protected String pollInterval;

    /** Slurm: let Slurm requeue a job whose node failed or that was preempted (the training starts again); off by default. */
    @Parameter(property = ExpProperties.REQUEUE, defaultValue = "false")
    protected String requeue;

    /**
     * The run cache: {@code use} (an earlier successful run with the same key is verified and reused instead of
     * training), {@code refresh} (train, and become the entry), {@code off} (train, write no key).
     */
    @Parameter(property = ExpProperties.CACHE, defaultValue = "use")
    protected String cache;

    /** {@code false}: this training is never served from the cache (its result is meant to differ run to run). */
    @Parameter(property = ExpProperties.CACHEABLE, defaultValue = "true")
    protected String cacheable;

    /**
     * Globs of the project's files the training reads ({@code train.py}, {@code src/**}); only they enter the cache key,
     * so an edit elsewhere (the README) still hits. Unset: the whole work tree counts. On the command line comma-separated.
     */
    @Parameter(property = ExpProperties.CACHE_INPUTS)
    protected List<String> cacheInputs;

    /** Any text: a new salt starts the cache afresh (what the key cannot see changed: a dataset outside git). */
    @Parameter(property = ExpProperties.CACHE_SALT)
    protected String cacheSalt;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    protected PluginDescriptor plugin;

    private final RuntimeInformation runtime;

    protected AbstractTrainingMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter);
        this.runtime = runtime;
    }

    protected RunConfiguration configuration() {
        return new RunConfiguration(
                new ProjectInfo(project.getGroupId(), project.getArtifactId(), project.getVersion()),
                project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                image, requirePinnedImage, pull, dockerHost, dirty, workspaceMount, user, shmSize, network,
                env == null ? Map.of() : new TreeMap<>(env), timeout, command, commandLine, gpus, gpuRequest,
                params == null ? Map.of() : params, paramOverrides(),
                outputs == null ? List.of() : outputs.stream().map(Output::toSpec).toList(),
                registryCredentials(), System.getenv(),
                new HostInfo(System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                        runtime.getMavenVersion(), plugin.getVersion()), recordInGit, null, gpuWait, executor,
                new SlurmConfiguration(partition, account, qos, cpusPerTask, mem, sbatchArgs == null ? List.of() : sbatchArgs,
                        containerRuntime, sharedDir, pollInterval, requeue),
                new CacheConfiguration(cache, cacheable, cacheInputs == null ? List.of() : cacheInputs, cacheSalt));
    }

    /**
     * Published artifacts through Maven's resolver, by {@code groupId:artifactId:type:classifier:version}: the local
     * repository, then the project's remote ones (the run cache's shared store, exp:reproduce's patches).
     */
    protected ArtifactSource artifacts(RepositorySystem repositorySystem) {
        return coordinates -> {
            String[] p = coordinates.split(":");
            if (p.length != 5) {
                return Optional.empty();
            }
            ArtifactRequest request = new ArtifactRequest(new DefaultArtifact(p[0], p[1], p[3], p[2], p[4]),
                    project.getRemoteProjectRepositories(), null);
            try {
                return Optional.of(repositorySystem.resolveArtifact(session.getRepositorySession(), request).getArtifact().getFile().toPath());
            } catch (ArtifactResolutionException e) {
                getLog().debug("Cannot resolve " + coordinates + ": " + e.getMessage());
                return Optional.empty();
            }
        };
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
