package dev.exprun.workbench;

import dev.exprun.container.AttachedContainer;
import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerLabels;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.git.GitProvenance;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunId;
import dev.exprun.run.ContainerEnvironment;
import dev.exprun.run.GpuCheck;
import dev.exprun.run.PreparedBuild;
import dev.exprun.run.RunConfiguration;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An interactive session's container, made as exp:run makes a run's, by the same code: the build prepared once (the
 * image by digest, the engine, how GPUs are asked), the same mounts, user, environment with {@code exprun} on
 * PYTHONPATH, labels (so the leftover sweep removes it after a SIGKILL) and GPU check. Its directory,
 * {@code target/exp/sessions/<id>}, holds what the container mounts (in, lib, out); it goes when the session ends,
 * unless the session wrote into /exp/out. Leftovers of killed builds are swept meanwhile, as exp:run does.
 */
final class SessionContainer implements AutoCloseable {
    private final ExpLog log;
    private final RunConfiguration config;
    private final String goal;
    private final String id;
    private final RunSettings settings;
    private final RunDirectory dir;
    private final PreparedBuild build;
    private final CompletableFuture<Void> leftovers;

    private SessionContainer(ExpLog log, RunConfiguration config, String goal, String id, RunSettings settings, RunDirectory dir,
                             PreparedBuild build) {
        this.log = log;
        this.config = config;
        this.goal = goal;
        this.id = id;
        this.settings = settings;
        this.dir = dir;
        this.build = build;
        this.leftovers = build.sweepLeftovers(config, RunSettings.recordInGit(config.recordInGit()), id, log);
    }

    /** kind: the id's prefix (shell, notebook); goal: what the labels and the log call it (exp:shell). */
    static SessionContainer prepare(ExpLog log, RunConfiguration config, String kind, String goal) {
        RunSettings settings = RunSettings.forSession(config);
        String id = kind + "-" + RunId.next(Instant.now());
        RunDirectory dir = new RunDirectory(config.buildDir().resolve("exp").resolve("sessions").resolve(id).toAbsolutePath());
        try {
            Files.createDirectories(dir.out());
            Files.createDirectories(dir.in());
            Files.createDirectories(dir.lib());
        } catch (IOException e) {
            throw new ExpError("Cannot create the session directory " + dir.root() + ": " + e.getMessage(),
                    "check that the build directory is writable", e);
        }
        // No patch: nothing is recorded, so uncommitted changes need not be kept (they are in the mounted work tree).
        PreparedBuild build = PreparedBuild.prepare(log, config, settings, null, dir.root(), settings.gpus());
        return new SessionContainer(log, config, goal, id, settings, dir, build);
    }

    RunSettings settings() {
        return settings;
    }

    String image() {
        return build.image().reference().toString();
    }

    /** The project's directory in the container (the session's working directory). */
    String workingDir() {
        return ContainerEnvironment.workingDir(build.git());
    }

    /** The engine's address (unix://..., tcp://...): whether ports it publishes are this machine's. */
    String engineHost() {
        return build.engine().host();
    }

    /** What every session says before it starts: it leaves nothing behind in the project's history. */
    void logNotRecorded() {
        log.info("This session is not a recorded run: no run record, no git note.");
    }

    /** The container for command (the GPU check in front when GPUs are asked for), with extraEnv beside the contract's. */
    ContainerSpec spec(List<String> command, Map<String, String> extraEnv) {
        dir.installRuntime();
        RecordJson.writeAtomically(dir.params(), settings.params());
        GitProvenance git = build.git();
        Map<String, String> env = ContainerEnvironment.forSession(settings.env(), git, build.image(), settings.params());
        env.putAll(extraEnv);
        Map<String, String> labels = new HashMap<>(ContainerRunner.labels(id, config.project().coordinates(),
                git.present() ? git.commit() : null, BuildIdentity.current(), dir.root()));
        labels.put(ContainerLabels.SESSION, goal);
        boolean gpus = settings.gpus().requested();
        return new ContainerSpec("exp-" + id, build.image().imageId(), gpus ? GpuCheck.wrap(command, settings.gpus()) : command, env,
                Map.copyOf(labels), dir.mounts(ContainerEnvironment.workspace(git, config.baseDir()), settings.workspaceReadOnly()),
                ContainerEnvironment.workingDir(git), settings.containerUser(), settings.shmSizeBytes(), settings.network(),
                settings.gpus(), gpus ? build.gpuMode() : null, ContainerSpec.Limits.NONE);
    }

    /** Runs it attached to io; Ctrl-C or SIGTERM of the build stops and removes it (nothing to record: no fallback). */
    AttachedContainer.Ended run(ContainerSpec spec, AttachedContainer.Io io, List<AttachedContainer.Published> ports,
                                Consumer<String> whenStarted) {
        return run(spec, io, ports, whenStarted, ended -> { });
    }

    /**
     * As above; whenEnded hears how it ended, its container already removed, before the shutdown hook lets the JVM go: on
     * Ctrl-C, the last moment a session can still say so.
     */
    AttachedContainer.Ended run(ContainerSpec spec, AttachedContainer.Io io, List<AttachedContainer.Published> ports,
                                Consumer<String> whenStarted, Consumer<AttachedContainer.Ended> whenEnded) {
        try (ShutdownGuard guard = new ShutdownGuard(build.engine().client(), () -> { })) {
            AttachedContainer.Ended ended = new AttachedContainer(build.engine()).run(spec, io, ports, guard, whenStarted);
            whenEnded.accept(ended);
            return ended;
        }
    }

    /** With GPUs asked for, the check must have seen them (what: what was therefore not started). */
    void requireGpus(AttachedContainer.Ended ended, String what) {
        if (!settings.gpus().requested()) {
            return;
        }
        GpuCheck.Result check = GpuCheck.parseOutput(ended.head().replace("\r", "")); // a terminal ends lines with \r\n
        if (check == null || check.failed()) {
            throw GpuCheck.notSeen(settings.gpus(), check, what);
        }
    }

    @Override
    public void close() {
        PreparedBuild.finishLeftovers(leftovers, log);
        build.close();
        if (isEmpty(dir.out())) {
            FileTrees.deleteQuietly(dir.root());
        } else {
            log.info("The session wrote to /exp/out; kept in " + dir.out());
        }
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
