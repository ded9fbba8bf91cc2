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
        String reproduces) {

    public static final String SCHEMA = "exprun.run/v1";

    /** A run that reproduces no other (reproduces: the run id exp:reproduce re-ran, else null). */
    public RunRecord(String schema, String runId, RunStatus status, Integer exitCode, String failure, ProjectInfo project,
                     GitProvenance git, ImageInfo image, ContainerInfo container, Map<String, Object> params,
                     Map<String, Double> metrics, List<OutputFile> outputs, EngineInfo engine, HostInfo host,
                     String startedAt, String endedAt, Long durationMs) {
        this(schema, runId, status, exitCode, failure, project, git, image, container, params, metrics, outputs, engine, host,
                startedAt, endedAt, durationMs, null);
    }

    public RunRecord withContainer(ContainerInfo value) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, value, params,
                metrics, outputs, engine, host, startedAt, endedAt, durationMs, reproduces);
    }

    public RunRecord withResults(Map<String, Double> newMetrics, List<OutputFile> newOutputs) {
        return new RunRecord(schema, runId, status, exitCode, failure, project, git, image, container, params,
                newMetrics, newOutputs, engine, host, startedAt, endedAt, durationMs, reproduces);
    }

    public RunRecord ended(RunStatus newStatus, Integer newExitCode, String newFailure, String end, long duration) {
        return new RunRecord(schema, runId, newStatus, newExitCode, newFailure, project, git, image, container,
                params, metrics, outputs, engine, host, startedAt, end, duration, reproduces);
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
            String timeout) {

        public ContainerInfo withIdAndGpus(String newId, GpusSeen seen) {
            return new ContainerInfo(name, newId, command, user, workingDir, workspace, workspaceMount, gpusRequested,
                    seen, shmSizeBytes, network, env, timeout);
        }
    }

    public record GpusSeen(int count, List<String> devices, List<String> names) {
    }

    public record OutputFile(String path, String classifier, String type, long size, String sha256) {
    }

    public record EngineInfo(String name, String version, String apiVersion, String os, String arch) {
    }

    public record HostInfo(String os, String arch, String java, String maven, String plugin) {
    }
}
