package dev.exprun.history;

import dev.exprun.record.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compact summary of one run that is kept in git as a note on the run's commit
 * ({@code refs/notes/exprun}), one JSON line per run, so that history, compare, reproduce and which
 * work from the repository alone. The full record and the dirty patch stay Maven artifacts; the note
 * carries their coordinates and sha256 so they can be fetched back. Nothing secret is in a record,
 * so nothing secret is in a note.
 */
public record RunNote(
        String schema,
        String runId,
        String status,
        String startedAt,
        String project,
        String commit,
        String branch,
        String describe,
        boolean dirty,
        String patchSha256,
        String image,
        String imageDigest,
        List<String> command,
        Map<String, Object> params,
        Map<String, Double> metrics,
        List<Artifact> artifacts,
        String engine,
        List<String> gpus,
        String reproduces,
        String imageDigestSource,
        String gpuDriver,
        List<String> nondeterministicOps,
        String sweep,
        String trial,
        RunRecord.SlurmJob slurm,
        String cachedFrom,
        RunRecord.CacheKey cache) {

    public static final String SCHEMA = "exprun.note/v1";

    /** A note without a cache key (written before the run cache, or of a run with cache=off). */
    public RunNote(String schema, String runId, String status, String startedAt, String project, String commit, String branch,
                   String describe, boolean dirty, String patchSha256, String image, String imageDigest, List<String> command,
                   Map<String, Object> params, Map<String, Double> metrics, List<Artifact> artifacts, String engine,
                   List<String> gpus, String reproduces, String imageDigestSource, String gpuDriver, List<String> nondeterministicOps,
                   String sweep, String trial, RunRecord.SlurmJob slurm) {
        this(schema, runId, status, startedAt, project, commit, branch, describe, dirty, patchSha256, image, imageDigest, command,
                params, metrics, artifacts, engine, gpus, reproduces, imageDigestSource, gpuDriver, nondeterministicOps, sweep, trial,
                slurm, null, null);
    }

    /** A note of a run that did not go through Slurm (or was written before Slurm runs were kept). */
    public RunNote(String schema, String runId, String status, String startedAt, String project, String commit, String branch,
                   String describe, boolean dirty, String patchSha256, String image, String imageDigest, List<String> command,
                   Map<String, Object> params, Map<String, Double> metrics, List<Artifact> artifacts, String engine,
                   List<String> gpus, String reproduces, String imageDigestSource, String gpuDriver, List<String> nondeterministicOps,
                   String sweep, String trial) {
        this(schema, runId, status, startedAt, project, commit, branch, describe, dirty, patchSha256, image, imageDigest, command,
                params, metrics, artifacts, engine, gpus, reproduces, imageDigestSource, gpuDriver, nondeterministicOps, sweep, trial, null);
    }

    /** A note as written before the digest source, the GPU driver and the runtime's report were kept (null). */
    public RunNote(String schema, String runId, String status, String startedAt, String project, String commit, String branch,
                   String describe, boolean dirty, String patchSha256, String image, String imageDigest, List<String> command,
                   Map<String, Object> params, Map<String, Double> metrics, List<Artifact> artifacts, String engine,
                   List<String> gpus, String reproduces) {
        this(schema, runId, status, startedAt, project, commit, branch, describe, dirty, patchSha256, image, imageDigest, command,
                params, metrics, artifacts, engine, gpus, reproduces, null, null, null, null, null);
    }

    /** A note as written before sweeps were kept (sweep and trial null). */
    public RunNote(String schema, String runId, String status, String startedAt, String project, String commit, String branch,
                   String describe, boolean dirty, String patchSha256, String image, String imageDigest, List<String> command,
                   Map<String, Object> params, Map<String, Double> metrics, List<Artifact> artifacts, String engine,
                   List<String> gpus, String reproduces, String imageDigestSource, String gpuDriver, List<String> nondeterministicOps) {
        this(schema, runId, status, startedAt, project, commit, branch, describe, dirty, patchSha256, image, imageDigest, command,
                params, metrics, artifacts, engine, gpus, reproduces, imageDigestSource, gpuDriver, nondeterministicOps, null, null);
    }

    /**
     * One attached file: Maven coordinates {@code groupId:artifactId:type:classifier:version}, and for
     * outputs the path under the run's output directory. classifier {@code exp-run} is the record,
     * {@code exp-diff} the dirty patch.
     */
    public record Artifact(String coordinates, String classifier, String type, String path, String sha256) {
    }

    /** The note for a finished run; artifacts as attached (record, metrics, log, patch, outputs). */
    public static RunNote of(RunRecord run, List<Artifact> artifacts, String reproduces) {
        RunRecord.ContainerInfo c = run.container();
        RunRecord.GpusSeen seen = c == null ? null : c.gpusSeen();
        List<String> gpus = seen == null || seen.names() == null ? List.of() : seen.names();
        String gpuDriver = seen == null || seen.gpus() == null ? null : seen.gpus().stream()
                .map(g -> g.driverVersion() + (g.cudaVersion() == null ? "" : " (CUDA " + g.cudaVersion() + ")")).findFirst().orElse(null);
        List<String> nondeterministic = run.runtime() == null || run.runtime().nondeterministicOps() == null
                || run.runtime().nondeterministicOps().isEmpty() ? null : run.runtime().nondeterministicOps();
        return new RunNote(SCHEMA, run.runId(), run.status().json(), run.startedAt(),
                run.project() == null ? null : run.project().groupId() + ":" + run.project().artifactId() + ":" + run.project().version(),
                run.git().commit(), run.git().branch(), run.git().describe(), run.git().dirty(), run.git().patchSha256(),
                run.image() == null ? null : run.image().reference(), run.image() == null ? null : run.image().digest(),
                c == null ? List.of() : c.command(), run.params() == null ? Map.of() : run.params(),
                run.metrics() == null ? Map.of() : run.metrics(), new ArrayList<>(artifacts),
                run.engine() == null ? null : run.engine().name() + " " + run.engine().version(), gpus, reproduces,
                run.image() == null ? null : run.image().digestSource(), gpuDriver, nondeterministic,
                run.sweep() == null ? null : run.sweep().sweepId(), run.sweep() == null ? null : run.sweep().trial(), run.slurm(),
                run.cachedFrom(), run.cache());
    }
}
