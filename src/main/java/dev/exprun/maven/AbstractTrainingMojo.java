package dev.exprun.maven;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.CacheConfiguration;
import dev.exprun.run.RunConfiguration;
import dev.exprun.slurm.SlurmConfiguration;
import java.io.File;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/** Goals that train: exp:run, and exp:reproduce, which trains again as a recorded run did. */
abstract class AbstractTrainingMojo extends AbstractContainerMojo {

    /** Uncommitted changes: {@code warn} (run and record the patch), {@code fail} (refuse), {@code allow}. */
    @Parameter(property = ExpProperties.DIRTY, defaultValue = "warn")
    protected String dirty;

    /** Stop the run after this long, e.g. {@code 90m}, {@code 1h30m}; no limit when unset. */
    @Parameter(property = ExpProperties.TIMEOUT)
    protected String timeout;

    /** The training command as a list of arguments. */
    @Parameter
    protected List<String> command;

    /** The training command as one line, split like a shell would (no shell runs); wins over {@code command}. */
    @Parameter(property = ExpProperties.COMMAND)
    protected String commandLine;

    /** Files of the output dir to attach; default: the checkpoint files (.pt .pth .ckpt .safetensors .onnx). */
    @Parameter
    protected List<Output> outputs;

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

    protected AbstractTrainingMojo(SettingsDecrypter settingsDecrypter, RuntimeInformation runtime) {
        super(settingsDecrypter, runtime);
    }

    protected RunConfiguration configuration() {
        return new RunConfiguration(
                projectInfo(), project.getBasedir().toPath(), new File(project.getBuild().getDirectory()).toPath(),
                image, requirePinnedImage, pull, dockerHost, dirty, workspaceMount, user, shmSize, network,
                env(), timeout, command, commandLine, gpus, gpuRequest,
                params(), paramOverrides(),
                outputs == null ? List.of() : outputs.stream().map(Output::toSpec).toList(),
                registryCredentials(), System.getenv(),
                hostInfo(), recordInGit, null, gpuWait, executor,
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
}
