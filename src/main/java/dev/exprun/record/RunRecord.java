package dev.exprun.record;

import dev.exprun.git.GitProvenance;
import java.util.List;
import java.util.Map;

/**
 * What ran, as {@code run.json} (schema {@value #SCHEMA}). Written before the container starts
 * (status {@code running}, handed to the script as its provenance) and again when it ends.
 */
public record RunRecord(
        String schema,
        String runId,
        RunStatus status,
        Integer exitCode,
        String failure,
        ProjectInfo project,
        GitProvenance git,
        ImageInfo image,
        ContainerInfo container,
        Map<String, Object> params,
        Map<String, Double> metrics,
        List<OutputFile> outputs,
        EngineInfo engine,
        HostInfo host,
        String startedAt,
        String endedAt,
        Long durationMs,
        String reproduces,
        RuntimeReport runtime,
        KilledInfo killed,
        SweepTrial sweep,
        SlurmJob slurm,
        String cachedFrom,
        CacheKey cache) {

    public static final String SCHEMA = "exprun.run/v1";

    /** A run without a cache key (cache=off, not cacheable, or written before the run cache). */
    public RunRecord(String schema, String runId, RunStatus status, Integer exitCode, String failure, ProjectInfo project,
                     GitProvenance git, ImageInfo image, ContainerInfo container, Map<String, Object> params,
                     Map<String, Double> metrics, List<OutputFile> outputs, EngineInfo engine, HostInfo host,
                     String startedAt, String endedAt, Long durationMs, String reproduces, RuntimeReport runtime, KilledInfo killed,
                     SweepTrial sweep, SlurmJob slurm) {
        this(schema, runId, status, exitCode, failure, project, git, image, container, params, metrics, outputs, engine, host,
                startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, slurm, null, null);
    }

    /** A run that did not go through Slurm. */
    public RunRecord(String schema, String runId, RunStatus status, Integer exitCode, String failure, ProjectInfo project,
                     GitProvenance git, ImageInfo image, ContainerInfo container, Map<String, Object> params,
                     Map<String, Double> metrics, List<OutputFile> outputs, EngineInfo engine, HostInfo host,
                     String startedAt, String endedAt, Long durationMs, String reproduces, RuntimeReport runtime, KilledInfo killed,
                     SweepTrial sweep) {
        this(schema, runId, status, exitCode, failure, project, git, image, container, params, metrics, outputs, engine, host,
                startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, null);
    }

    /** A run that is no sweep's trial. */
    public RunRecord(String schema, String runId, RunStatus status, Integer exitCode, String failure, ProjectInfo project,
                     GitProvenance git, ImageInfo image, ContainerInfo container, Map<String, Object> params,
                     Map<String, Double> metrics, List<OutputFile> outputs, EngineInfo engine, HostInfo host,
                     String startedAt, String endedAt, Long durationMs, String reproduces, RuntimeReport runtime, KilledInfo killed) {
        this(schema, runId, status, exitCode, failure, project, git, image, container, params, metrics, outputs, engine, host,
                startedAt, endedAt, durationMs, reproduces, runtime, killed, null);
    }

    /** A run that reproduces no other (reproduces: the run id exp:reproduce re-ran, else null). */
    public RunRecord(String schema, String runId, RunStatus status, Integer exitCode, String failure, ProjectInfo project,
                     GitProvenance git, ImageInfo image, ContainerInfo container, Map<String, Object> params,
                     Map<String, Double> metrics, List<OutputFile> outputs, EngineInfo engine, HostInfo host,
                     String startedAt, String endedAt, Long durationMs) {
        this(schema, runId, status, exitCode, failure, project, git, image, container, params, metrics, outputs, engine, host,
                startedAt, endedAt, durationMs, null, null, null);
    }

    public RunRecord(String schema, String runId, RunStatus status, Integer exitCode, String failure, ProjectInfo project,
                     GitProvenance git, ImageInfo image, ContainerInfo container, Map<String, Object> params,
                     Map<String, Double> metrics, List<OutputFile> outputs, EngineInfo engine, HostInfo host,
                     String startedAt, String endedAt, Long durationMs, String reproduces) {
        this(schema, runId, status, exitCode, failure, project, git, image, container, params, metrics, outputs, engine, host,
                startedAt, endedAt, durationMs, reproduces, null, null);
    }

    public RunRecord withContainer(ContainerInfo value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, value, params,
                metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, slurm, cachedFrom, cache);
    }

    public RunRecord withResults(Map<String, Double> newMetrics, List<OutputFile> newOutputs) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                newMetrics, newOutputs, engine, host, startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, slurm, cachedFrom, cache);
    }

    public RunRecord withEngine(EngineInfo value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                metrics, outputs, value, host, startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, slurm, cachedFrom, cache);
    }

    public RunRecord withSweep(SweepTrial value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces, runtime, killed, value, slurm, cachedFrom, cache);
    }

    public RunRecord withSlurm(SlurmJob value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, value, cachedFrom, cache);
    }

    public RunRecord withRuntime(RuntimeReport value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces, value, killed, sweep, slurm, cachedFrom, cache);
    }

    public RunRecord ended(RunStatus newStatus, Integer newExitCode, String newFailure, String end, long duration) {
        return new RunRecord(schema, runId, newStatus, newExitCode, newFailure, project, git, image, container,
                params, metrics, outputs, engine, host, startedAt, end, duration, reproduces, runtime, killed, sweep, slurm, cachedFrom, cache);
    }

    /** A run whose build was killed, as a later run found it: endedAt and the duration stay unknown. */
    public RunRecord killed(String newFailure, KilledInfo found) {
        return new RunRecord(schema, runId, RunStatus.KILLED, exitCode, newFailure, project, git, image, container,
                params, metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces, runtime, found, sweep, slurm, cachedFrom, cache);
    }

    /** The run with its cache key, written into the starting record. */
    public RunRecord withCache(CacheKey value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces, runtime, killed, sweep, slurm, cachedFrom, value);
    }

    /**
     * The run cache's key (schema exprun.cache/v1): the SHA-256 of what the training sees, the cacheInputs globs it
     * was taken over (empty: the whole work tree), and each part hashed (tree, changes, image, command, params, env,
     * gpus, runtime, contract, salt), so that a later miss can say which part changed. Values are never in it.
     */
    public record CacheKey(String key, List<String> inputs, Map<String, String> parts) {
    }

    /**
     * The Slurm job that ran it (executor=slurm): its id, partition and node list, Slurm's state and reason as
     * Slurm last said them (RUNNING while it runs; COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, ... at the end),
     * the exit code as Slurm writes it (3:0 = code 3, signal 0), the elapsed time as Slurm counts it, how many
     * times Slurm requeued it, and what ran the container on the node.
     */
    public record SlurmJob(String jobId, String partition, String nodes, String state, String reason, String exitCode,
                           String elapsed, int restarts, String containerRuntime) {
    }

    /** The sweep a run is a trial of: its id, the trial's label (t03) and which attempt of the trial this run is (1 first). */
    public record SweepTrial(String sweepId, String trial, int attempt) {
    }

    /**
     * What the training's runtime reported about itself (exprun's .exprun/runtime.json): the seed,
     * how determinism was asked for (warn or strict), and the ops torch said have no deterministic kernel.
     */
    public record RuntimeReport(Long seed, String deterministic, List<String> nondeterministicOps) {
    }

    /** Who found a killed build's run, and when: the run whose leftover sweep removed its container. */
    public record KilledInfo(String foundAt, String foundByRun, String foundByHost, long foundByPid, String buildHost, long buildPid) {
    }

    public record ProjectInfo(String groupId, String artifactId, String version) {
        public String coordinates() {
            return groupId + ":" + artifactId;
        }
    }

    /** digestSource: {@code repo-digest} (the registry's manifest digest) or {@code image-id} (never pushed). */
    public record ImageInfo(String reference, String digest, String digestSource, String imageId, boolean pinned) {
    }

    /** env lists variable NAMES only: values may be secrets. */
    public record ContainerInfo(
            String name,
            String id,
            List<String> command,
            String user,
            String workingDir,
            String workspace,
            String workspaceMount,
            String gpusRequested,
            GpusSeen gpusSeen,
            long shmSizeBytes,
            String network,
            List<String> env,
            String timeout,
            String gpuRequest,
            Long nanoCpus,
            Long memoryBytes,
            String startedAt,
            String endedAt) {

        public ContainerInfo(String name, String id, List<String> command, String user, String workingDir, String workspace,
                             String workspaceMount, String gpusRequested, GpusSeen gpusSeen, long shmSizeBytes, String network,
                             List<String> env, String timeout, String gpuRequest) {
            this(name, id, command, user, workingDir, workspace, workspaceMount, gpusRequested, gpusSeen, shmSizeBytes, network,
                    env, timeout, gpuRequest, null, null, null, null);
        }

        public ContainerInfo(String name, String id, List<String> command, String user, String workingDir, String workspace,
                             String workspaceMount, String gpusRequested, GpusSeen gpusSeen, long shmSizeBytes, String network,
                             List<String> env, String timeout) {
            this(name, id, command, user, workingDir, workspace, workspaceMount, gpusRequested, gpusSeen, shmSizeBytes, network,
                    env, timeout, null);
        }

        /** The container once it has ended: its id, what the GPU check saw, and when it ran (from start to end). */
        public ContainerInfo ended(String newId, GpusSeen seen, String started, String end) {
            return new ContainerInfo(name, newId, command, user, workingDir, workspace, workspaceMount, gpusRequested,
                    seen, shmSizeBytes, network, env, timeout, gpuRequest, nanoCpus, memoryBytes, started, end);
        }
    }

    /** What the in-container check saw: the device count, device nodes, names, and per GPU what nvidia-smi said. */
    public record GpusSeen(int count, List<String> devices, List<String> names, List<GpuInfo> gpus) {
        public GpusSeen(int count, List<String> devices, List<String> names) {
            this(count, devices, names, List.of());
        }
    }

    /** One GPU as nvidia-smi described it inside the container; fields it did not give are null. */
    public record GpuInfo(Integer index, String uuid, String name, Long memoryMiB, String driverVersion, String cudaVersion) {
        /** "NVIDIA H200 (driver 580.95.05, CUDA 13.0)". */
        public String describe() {
            return name + " (driver " + driverVersion + (cudaVersion == null ? "" : ", CUDA " + cudaVersion) + ")";
        }
    }

    public record OutputFile(String path, String classifier, String type, long size, String sha256) {
    }

    /**
     * The engine as it identified itself: name from its /version Components (docker, podman, or
     * unknown), the components with their versions, and from /info the OCI runtimes, the default one
     * and the CDI spec dirs (empty or null: CDI off, or an engine that does not say).
     */
    public record EngineInfo(String name, String version, String apiVersion, String os, String arch, List<String> components,
                             List<String> runtimes, String defaultRuntime, List<String> cdiSpecDirs) {

        public EngineInfo(String name, String version, String apiVersion, String os, String arch) {
            this(name, version, apiVersion, os, arch, null, null, null, null);
        }

        /** True when the engine reports CDI spec dirs, which Docker does only with its CDI feature on. */
        public boolean cdiEnabled() {
            return cdiSpecDirs != null && !cdiSpecDirs.isEmpty();
        }

        /** "podman 4.3.1 (API 1.41)". */
        public String describe() {
            return name + " " + version + " (API " + apiVersion + ")";
        }
    }

    public record HostInfo(String os, String arch, String java, String maven, String plugin) {
    }
}
