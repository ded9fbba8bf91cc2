package dev.exprun.sweep;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.CacheKeys;
import dev.exprun.container.GpuDiscovery;
import dev.exprun.container.GpuRequest;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.record.RunId;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.run.PreparedBuild;
import dev.exprun.run.RunConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code exp:sweep}: the trials of a search space, {@code parallel} at once, each a complete run. What a
 * build resolves once (provenance, image, engine, GPUs, leftover sweep) is resolved once for all of them;
 * each trial leases its own GPUs. The sweep record is written as it goes; the best trial by the objective
 * is what exp:verify and exp:tag act on afterwards.
 */
public final class SweepRunner {
    private final ExpLog log;
    private final ArtifactSource artifacts;

    /** A sweep whose trials' cache looks in the run directories and git notes only (no Maven repositories). */
    public SweepRunner(ExpLog log) {
        this(log, ArtifactSource.NONE);
    }

    /** artifacts: where the cache fetches a noted run's published files (Maven's repositories). */
    public SweepRunner(ExpLog log, ArtifactSource artifacts) {
        this.log = log;
        this.artifacts = artifacts;
    }

    public SweepResult run(SweepConfiguration config) {
        SweepSettings settings = SweepSettings.from(config);
        RunConfiguration runConfig = config.run();
        ResumeIndex resume = settings.resume() == null ? null : ResumeIndex.load(runConfig.buildDir(), settings.resume());
        Instant start = Instant.now();
        String sweepId = resume != null ? resume.sweepId() : "sweep-" + RunId.next(start);
        KilledSweeps.finish(runConfig.buildDir(), sweepId, log);
        SweepDirectory dir = SweepDirectory.of(runConfig.buildDir(), sweepId);
        createDirectory(dir.root());
        List<Map<String, String>> trials = settings.space().trials();
        log.info("Sweep " + sweepId + ": " + settings.space().describe() + (resume != null ? " (resumed)" : ""));
        GpuRequest gpusForMode = settings.gpusPerTrial() == 0 ? GpuRequest.parse("none")
                : settings.run().onSlurm() ? GpuRequest.parse(String.valueOf(settings.gpusPerTrial()))
                : settings.gpuDevices().isEmpty() ? GpuRequest.parse("all")
                : GpuRequest.devices(settings.gpuDevices().subList(0, settings.gpusPerTrial()));
        try (PreparedBuild build = PreparedBuild.prepare(log, runConfig, settings.run(), dir.patch(), resume == null ? dir.root() : null,
                gpusForMode)) {
            List<GpuSlot> pool;
            try {
                if (settings.run().cache().keyed()) {
                    CacheKeys.requireInputsMatch(build.git(), settings.run().cache().inputs());
                }
                pool = pool(settings, build, runConfig.project());
            } catch (RuntimeException e) {
                discard(resume, dir); // no trial ran
                throw e;
            }
            boolean scheduled = build.executor().schedulesGpus();
            int parallel = scheduled ? settings.parallelForScheduler(trials.size()) : settings.parallelFor(pool.size());
            if (!scheduled && settings.gpusPerTrial() > 0 && parallel * settings.gpusPerTrial() > pool.size()) {
                discard(resume, dir);
                throw new ExpError("parallel=" + parallel + " trials with " + settings.gpusPerTrial() + " GPU(s) each need "
                        + parallel * settings.gpusPerTrial() + " GPUs, and " + pool.size() + " were found.",
                        "lower <parallel> (-Dexp.parallel), or leave it unset: it defaults to what the GPUs allow");
            }
            log.info("Sweep " + sweepId + ": " + trials.size() + " trial(s), " + parallel + " at once"
                    + (settings.gpusPerTrial() == 0 ? "" : scheduled ? ", " + settings.gpusPerTrial() + " GPU(s) each, as "
                            + build.executor().describe() + " allocates them"
                            : ", " + settings.gpusPerTrial() + " GPU(s) each of " + String.join(",", pool.stream().map(GpuSlot::label).toList()))
                    + (settings.objective() == null ? "" : "; objective " + settings.objective() + " ("
                            + settings.recordedObjective().direction().replace('-', ' ') + ")")
                    + "; failurePolicy=" + settings.failurePolicy().text() + (settings.retries() > 0 ? ", retries=" + settings.retries() : ""));
            return new SweepLaunch(log, runConfig, settings, build, sweepId, dir, pool, parallel, resume, start, artifacts).run(trials);
        }
    }

    private List<GpuSlot> pool(SweepSettings settings, PreparedBuild build, ProjectInfo project) {
        if (settings.gpusPerTrial() == 0 || build.executor().schedulesGpus()) {
            return List.of(); // no GPUs, or the scheduler's to give
        }
        if (!settings.gpuDevices().isEmpty()) {
            return settings.gpuDevices().stream().map(GpuSlot::named).toList();
        }
        List<GpuSlot> found = new GpuDiscovery(build.engine(), log).discover(build.image(), build.gpuMode(), project.coordinates())
                .stream().map(GpuSlot::found).toList();
        log.info("GPUs found: " + String.join(", ", found.stream().map(s -> s.label() + " (" + s.deviceId() + ")").toList()));
        return found;
    }

    /** A new sweep that ran nothing leaves no directory; a resumed one keeps its earlier record. */
    private static void discard(ResumeIndex resume, SweepDirectory dir) {
        if (resume == null) {
            FileTrees.deleteQuietly(dir.root());
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ExpError("Cannot create the sweep directory " + dir + ": " + e.getMessage(), "check that the build directory is writable", e);
        }
    }
}
