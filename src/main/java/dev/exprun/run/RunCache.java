package dev.exprun.run;

import dev.exprun.artifacts.ArtifactSource;
import dev.exprun.cache.CacheKeys;
import dev.exprun.cache.CacheSettings;
import dev.exprun.cache.KeyFacts;
import dev.exprun.cache.KeyLock;
import dev.exprun.cache.KeyedRun;
import dev.exprun.cache.InputGlobs;
import dev.exprun.container.BuildIdentity;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpLog;
import dev.exprun.git.GitProvenance;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import dev.exprun.record.RunRecord.CacheKey;
import dev.exprun.record.RunRecord.ImageInfo;
import dev.exprun.record.RunRecord.SweepTrial;
import dev.exprun.record.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The run cache of a prepared build: a run's key, the lock under which one build at a time trains a key, and serving a
 * verified earlier run instead of training (this run then has a record of its own with {@code cachedFrom}, and the
 * build attaches the earlier run's files). exp:run uses it once, exp:sweep per trial, exp:reproduce never.
 */
public final class RunCache {
    /** A run's key, with what it was computed from (to explain a miss). */
    public record RunKey(CacheKey key, KeyFacts facts, InputGlobs inputs) {
    }

    private final ExpLog log;
    private final RunConfiguration config;
    private final GitProvenance git;
    private final ResolvedImage image;
    private final PhaseTimes times;
    private final CacheLookup lookup;

    /** The cache of a build prepared once (a sweep's trials, or exp:run's image by tag). */
    public RunCache(ExpLog log, RunConfiguration config, PreparedBuild build, ArtifactSource artifacts) {
        this(log, config, build.git(), build.image(), build.times(), artifacts);
    }

    /** image: as the engine resolved it, or null for an image pinned by digest that no engine was asked about (yet). */
    RunCache(ExpLog log, RunConfiguration config, GitProvenance git, ResolvedImage image, PhaseTimes times, ArtifactSource artifacts) {
        this.log = log;
        this.config = config;
        this.git = git;
        this.image = image;
        this.times = times;
        this.lookup = new CacheLookup(log, config, artifacts);
    }

    /** The key of a run with these settings and GPUs; null when it gets none (cache off, not cacheable, no git repository). */
    public RunKey key(RunSettings settings, GpuRequest gpus) {
        CacheSettings cache = settings.cache();
        if (!cache.keyed()) {
            if (cache.notCacheableBecause() != null) {
                log.info("Cache: not used (" + cache.notCacheableBecause() + "); training");
            }
            return null;
        }
        if (!git.present()) {
            log.info("Cache: not used (no git repository, so no code to key); training");
            return null;
        }
        // A pinned reference's digest is the one that runs: the engine confirms it, and refuses any other.
        String digest = image != null ? image.digest() : settings.image().digest();
        KeyFacts facts = new KeyFacts(git, digest, settings.command(), settings.params(), settings.env(),
                gpusForKey(gpus), RuntimeFiles.version(), cache.salt());
        CacheKey key = times.time("cache-key", () -> CacheKeys.compute(facts, cache.inputs()));
        return new RunKey(key, facts, cache.inputs());
    }

    /** Loads what the key and the lookup use (the JSON mapper's serializers, the record's deserializers); no effect otherwise. */
    static void warmUp() {
        try {
            RecordJson.MAPPER.readValue("{\"schema\": \"warm-up\", \"cache\": {\"parts\": {}}}", RunRecord.class);
            RecordJson.compact(java.util.Map.of("warm-up", List.of(1, 0.5, "x")));
        } catch (java.io.IOException | RuntimeException e) {
            // only a warm-up
        }
    }

    /** Which GPUs, as the training sees them: how many, not which (a sweep's trial leases device 3 where a run asked for 1). */
    static String gpusForKey(GpuRequest gpus) {
        if (!gpus.requested()) {
            return "none";
        }
        if (gpus.deviceIds() != null) {
            return String.valueOf(gpus.deviceIds().size());
        }
        return gpus.count() < 0 ? "all" : String.valueOf(gpus.count());
    }

    /** Waits until no other build of this project trains the key (then the cache may have it); null without a key. */
    public KeyLock lock(RunKey key, String runId) {
        if (key == null) {
            return null;
        }
        try {
            return KeyLock.acquire(config.buildDir().resolve("exp").resolve("cache"), key.key().key(),
                    "run " + runId + " (host " + BuildIdentity.current().host() + ", pid " + BuildIdentity.current().pid() + ")", log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterrupted("Run " + runId + " was interrupted while waiting for another build that trains the same key.");
        }
    }

    /**
     * A verified earlier run with the key, when the settings let one be used (cache=use); else empty, with the miss
     * explained in the log, and the run trains.
     */
    public Optional<Hit> find(RunKey key, RunSettings settings) {
        if (key == null) {
            return Optional.empty();
        }
        String shortKey = key.key().key().substring(0, 12) + "…";
        if (!settings.cache().serves()) {
            log.info("Cache: " + settings.cache().mode().text() + ": training; this run becomes the entry of key " + shortKey);
            return Optional.empty();
        }
        // The git notes (and the Maven repositories behind them) only when no run directory serves: a hit here is faster.
        Optional<Hit> hit = times.time("cache-lookup", () -> lookup.findInRunDirectories(key.key().key()));
        if (hit.isEmpty()) {
            List<KeyedRun> local = lookup.runDirectories();
            List<KeyedRun> noted = times.time("cache-notes", () -> lookup.notes(local));
            hit = times.time("cache-fetch", () -> lookup.find(noted, key.key().key()));
            if (hit.isEmpty()) {
                List<KeyedRun> known = new java.util.ArrayList<>(local);
                known.addAll(noted);
                log.info(lookup.missLine(known, key, git.branch()));
                return Optional.empty();
            }
        }
        Hit h = hit.get();
        log.info(String.format(Locale.ROOT, "Cache hit: run %s has the key %s; its outputs match their recorded sha256 (%.1f MiB re-hashed "
                        + "in %d ms) and its %d file(s) come from %s. Nothing was trained; to train anyway: -Dexp.cache=refresh",
                h.record().runId(), shortKey, h.bytes() / 1048576.0, h.millis(), h.attachments().size(), h.source()));
        return hit;
    }

    /**
     * A verified earlier run: its record, the files this build attaches (the earlier run's record, metrics, log and
     * outputs, byte for byte), where it was found, and how much was re-hashed.
     */
    public record Hit(RunRecord record, List<Attachment> attachments, String source, long bytes, long millis) {
    }

    /**
     * The hit recorded as this run in dir (created): the earlier run's results, this build's code and params, status
     * succeeded and cachedFrom the earlier run; noted in git like any run.
     */
    public RunResult served(Hit hit, RunKey key, RunSettings settings, String runId, Instant start, RunDirectory dir, SweepTrial trial) {
        RunRecord e = hit.record();
        // Without an engine (a pinned image): the reference as written, the rest as the earlier run's engine resolved it.
        ImageInfo imageInfo = image != null
                ? new ImageInfo(image.reference().toString(), image.digest(), image.digestSource(), image.imageId(), image.reference().pinned())
                : new ImageInfo(settings.image().toString(), settings.image().digest(), e.image() == null ? null : e.image().digestSource(),
                        e.image() == null ? null : e.image().imageId(), true);
        RunRecord own = new RunRecord(RunRecord.SCHEMA, runId, RunStatus.RUNNING, null, null, config.project(), git, imageInfo,
                e.container(), settings.params(), e.metrics(), e.outputs(), e.engine(), config.host(), start.toString(), null, null, null,
                e.runtime(), null, trial, e.slurm(), e.runId(), key.key());
        RecordJson.writeAtomically(dir.params(), settings.params());
        RunRecord done = new RecordWriter(own, dir, config.buildDir()).finish(RunStatus.SUCCEEDED, 0, null);
        if (settings.recordInGit()) {
            RunNoteWriter.append(log, config, done, dir, hit.attachments());
        }
        return new RunResult(done, dir, hit.attachments());
    }
}
