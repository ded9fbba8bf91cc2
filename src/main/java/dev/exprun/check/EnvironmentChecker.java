package dev.exprun.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.check.CheckRow.Verdict;
import dev.exprun.container.BuildIdentity;
import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.EngineConnection;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.GpuRequestRefused;
import dev.exprun.container.ImageReference;
import dev.exprun.container.ImageResolver;
import dev.exprun.container.Mount;
import dev.exprun.container.PullPolicy;
import dev.exprun.container.ResolvedImage;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.core.ExpError;
import dev.exprun.core.ExpException;
import dev.exprun.core.ExpLog;
import dev.exprun.core.FileTrees;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunId;
import dev.exprun.run.GpuCheck;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RuntimeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * exp:check-env: the checks teams run by hand before training, in order: the engine, the image,
 * the GPUs inside a container, PyTorch inside the container (exprun.check_env()), the git state.
 */
public final class EnvironmentChecker {
    static final String JSON_MARKER = "EXPRUN_CHECK_ENV_JSON: ";
    private static final Duration CONTAINER_TIMEOUT = Duration.ofMinutes(5);

    private final ExpLog log;

    public EnvironmentChecker(ExpLog log) {
        this.log = log;
    }

    public List<CheckRow> check(CheckConfiguration config) {
        List<CheckRow> rows = new ArrayList<>();
        GpuRequest gpus = GpuRequest.parse(config.gpus());
        GpuRequestMode gpuRequest = GpuRequestMode.parse(config.gpuRequest());
        try (EngineConnection engine = EngineConnection.open(config.dockerHost(), config.hostEnvironment())) {
            rows.add(new CheckRow("engine", Verdict.OK, engine.info().describe() + " at " + engine.host() + " (" + engine.source() + ")",
                    null, true));
            ResolvedImage image = image(engine, config, rows);
            if (image != null) {
                inContainer(engine, image, gpus, gpuRequest, config, rows);
            } else {
                skipContainerRows(gpus, rows, "the image is not available");
            }
        } catch (ExpException e) {
            rows.add(new CheckRow("engine", Verdict.FAIL, e.getMessage(), e.fix(), true));
            rows.add(new CheckRow("image", Verdict.SKIPPED, "no engine", null, true));
            skipContainerRows(gpus, rows, "no engine");
        }
        rows.add(git(config));
        return rows;
    }

    /** BUILD FAILURE naming every failed required check with its fix. */
    public static void requirePassed(List<CheckRow> rows) {
        List<CheckRow> failed = rows.stream().filter(CheckRow::failsTheBuild).toList();
        if (failed.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("exp:check-env: " + failed.size() + " required check(s) failed:");
        for (CheckRow row : failed) {
            message.append("\n  ").append(row.check()).append(": ").append(row.detail().replace('\n', ' '));
            if (row.fix() != null) {
                message.append("\n    Fix: ").append(row.fix());
            }
        }
        throw new dev.exprun.core.ExpFailure(message.toString(), null);
    }

    private ResolvedImage image(EngineConnection engine, CheckConfiguration config, List<CheckRow> rows) {
        try {
            ImageReference ref = ImageReference.parse(config.image());
            ResolvedImage image = new ImageResolver(engine, log, config.registryCredentials()).resolve(ref, PullPolicy.parse(config.pull()));
            rows.add(new CheckRow("image", Verdict.OK, ref + " = " + image.digest(), null, true));
            return image;
        } catch (ExpException e) {
            rows.add(new CheckRow("image", Verdict.FAIL, e.getMessage(), e.fix(), true));
            return null;
        } catch (RuntimeException e) {
            rows.add(new CheckRow("image", Verdict.FAIL, "the engine failed: " + e.getMessage(), "check the engine's log", true));
            return null;
        }
    }

    private static void skipContainerRows(GpuRequest gpus, List<CheckRow> rows, String why) {
        rows.add(new CheckRow("gpus", Verdict.SKIPPED, gpus.requested() ? why : "none requested (gpus=none)", null, gpus.requested()));
        rows.add(new CheckRow("torch", Verdict.SKIPPED, why, null, true));
    }

    /** One container runs the GPU check (when GPUs are asked for) and then exprun.check_env(). */
    private void inContainer(EngineConnection engine, ResolvedImage image, GpuRequest gpus, GpuRequestMode gpuRequest,
                             CheckConfiguration config, List<CheckRow> rows) {
        GpuRequestMode mode = null;
        if (gpus.requested()) {
            try {
                mode = gpuRequest.resolve(engine.info(), gpus);
                gpus.deviceRequest(mode);
            } catch (ExpError e) {
                gpusFailed(rows, e, "not run: the gpus setting is invalid");
                return;
            }
        }
        String id = "check-" + RunId.next(Instant.now());
        Path dir = config.buildDir().resolve("exp").resolve("check-env").resolve(id).toAbsolutePath();
        ContainerOutcome outcome;
        try {
            Files.createDirectories(dir.resolve("lib"));
            RuntimeFiles.install(dir.resolve("lib"));
            List<String> command = List.of("python3", RunDirectory.CONTAINER_LIB + "/exprun.py", "check-env");
            ContainerSpec spec = new ContainerSpec("exp-" + id, image.imageId(),
                    gpus.requested() ? GpuCheck.wrap(command, gpus) : command,
                    Map.of("PYTHONPATH", RuntimeFiles.pythonPath(null, image.envValue("PYTHONPATH"))),
                    ContainerRunner.labels(id, config.projectCoordinates(), null, BuildIdentity.current(), null),
                    List.of(new Mount(dir.resolve("lib"), RunDirectory.CONTAINER_LIB, true)), "/", null, 256L << 20, null, gpus, mode, ContainerSpec.Limits.NONE);
            try (ShutdownGuard guard = new ShutdownGuard(engine.client(), () -> { })) {
                outcome = new ContainerRunner(engine, log).run(spec, dir.resolve("log.txt"),
                        (stderr, line) -> log.debug((stderr ? "[err] " : "[out] ") + line), CONTAINER_TIMEOUT, guard);
            }
        } catch (GpuRequestRefused e) {
            FileTrees.deleteQuietly(dir);
            gpusFailed(rows, e, "not run: the GPU request was refused");
            return;
        } catch (IOException | RuntimeException e) {
            rows.add(new CheckRow("gpus", Verdict.SKIPPED, gpus.requested() ? "the check container could not start" : "none requested (gpus=none)",
                    null, false));
            rows.add(new CheckRow("torch", Verdict.FAIL, "the check container could not start: " + e.getMessage(),
                    "use an image with python3 and PyTorch", true));
            return;
        }
        String output = readQuietly(dir.resolve("log.txt"));
        rows.add(gpuRow(gpus, output));
        rows.add(torchRow(output, outcome, gpus));
        FileTrees.deleteQuietly(dir);
    }

    /** The GPU request itself failed (as written, or refused by the engine): the gpus row fails, torch is not blamed. */
    private static void gpusFailed(List<CheckRow> rows, ExpError e, String torchSkipped) {
        rows.add(new CheckRow("gpus", Verdict.FAIL, e.getMessage().replace(" Training was not started.", ""), e.fix(), true));
        rows.add(new CheckRow("torch", Verdict.SKIPPED, torchSkipped, null, true));
    }

    private static CheckRow gpuRow(GpuRequest gpus, String output) {
        if (!gpus.requested()) {
            return new CheckRow("gpus", Verdict.SKIPPED, "none requested (gpus=none)", null, false);
        }
        GpuCheck.Result result = GpuCheck.parseOutput(output);
        if (result == null) {
            return new CheckRow("gpus", Verdict.FAIL, "the GPU check did not run", "use an image with /bin/sh", true);
        }
        return result.failed()
                ? new CheckRow("gpus", Verdict.FAIL, "gpus=" + gpus.text() + " requested, the container sees " + result.describe()
                        + ": the engine ignored the request", "install the NVIDIA Container Toolkit for Docker, or use an engine that honours"
                        + " device requests; or set <gpus>none</gpus>", true)
                : new CheckRow("gpus", Verdict.OK, "gpus=" + gpus.text() + " requested, the container sees " + result.describe(), null, true);
    }

    private static CheckRow torchRow(String output, ContainerOutcome outcome, GpuRequest gpus) {
        String json = output.lines().filter(l -> l.startsWith(JSON_MARKER)).reduce((a, b) -> b).orElse(null);
        if (json == null) {
            GpuCheck.Result gpuCheck = GpuCheck.parseOutput(output);
            if (gpus.requested() && gpuCheck != null && gpuCheck.failed()) {
                return new CheckRow("torch", Verdict.SKIPPED, "not run: the GPU check failed first", null, true);
            }
            String last = outcome.lastLines().isEmpty() ? "no output" : outcome.lastLines().get(outcome.lastLines().size() - 1);
            return new CheckRow("torch", Verdict.FAIL, "python3 /exp/lib/exprun.py check-env did not report (exit code "
                    + outcome.exitCode() + "; " + last + ")", "use an image with python3 and PyTorch", true);
        }
        try {
            JsonNode report = RecordJson.MAPPER.readTree(json.substring(JSON_MARKER.length()));
            if (report.path("torch").isNull() || report.path("torch").isMissingNode()) {
                return new CheckRow("torch", Verdict.FAIL, "PyTorch is not installed in the image (python "
                        + report.path("python").asText("?") + ")", "use an image with PyTorch, e.g. pytorch/pytorch", true);
            }
            return torchResult(report, gpus);
        } catch (IOException e) {
            return new CheckRow("torch", Verdict.FAIL, "unreadable check_env() report: " + e.getMessage(), null, true);
        }
    }

    private static CheckRow torchResult(JsonNode report, GpuRequest gpus) {
        StringBuilder detail = new StringBuilder("torch ").append(report.path("torch").asText());
        boolean cuda = report.path("cuda_available").asBoolean(false);
        detail.append(cuda ? ", CUDA " + report.path("cuda_version").asText("?") + ", cuDNN " + report.path("cudnn").asText("?")
                : ", CUDA not available");
        for (JsonNode device : report.path("devices")) {
            detail.append("; ").append(device.path("device").asText()).append(" (").append(device.path("name").asText("?"))
                    .append(") 1000x1000 matmul ").append(String.format(java.util.Locale.ROOT, "%.1f", device.path("matmul_ms").asDouble()))
                    .append(" ms");
        }
        if (gpus.requested() && !cuda) {
            return new CheckRow("torch", Verdict.FAIL, detail + ": GPUs were requested but torch sees no CUDA device",
                    "use a CUDA build of PyTorch in the image, matching the host driver", true);
        }
        return new CheckRow("torch", Verdict.OK, detail.toString(), null, true);
    }

    private CheckRow git(CheckConfiguration config) {
        try {
            GitProvenance git = new GitProvenanceResolver(ExpLog.NONE, config.hostEnvironment())
                    .resolve(config.baseDir(), config.buildDir(), null);
            if (!git.present()) {
                return new CheckRow("git", Verdict.WARN, "not a git repository: runs will have no git provenance", "git init", false);
            }
            String detail = (git.commit() == null ? "no commit yet" : git.commit().substring(0, 7)) + " on "
                    + (git.branch() == null ? "a detached HEAD" : git.branch())
                    + (git.dirty() ? ", dirty (" + git.changes().count() + " change(s))" : ", clean")
                    + (git.shallow() ? ", shallow clone" : "");
            boolean warn = git.dirty() || git.shallow() || git.commit() == null;
            return new CheckRow("git", warn ? Verdict.WARN : Verdict.OK, detail,
                    git.dirty() ? "commit or stash before a run you want to reproduce" : null, false);
        } catch (ExpException e) {
            return new CheckRow("git", Verdict.FAIL, e.getMessage(), e.fix(), false);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
