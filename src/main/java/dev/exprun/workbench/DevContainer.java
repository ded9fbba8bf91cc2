package dev.exprun.workbench;

import com.github.dockerjava.api.model.DeviceRequest;
import dev.exprun.container.GpuRequest;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ResolvedImage;
import dev.exprun.git.WorkTreeLocation;
import dev.exprun.run.GpuCheck;
import dev.exprun.run.RunDirectory;
import dev.exprun.run.RunSettings;
import dev.exprun.run.RuntimeFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code .devcontainer/devcontainer.json} (the Development Containers spec, containers.dev) as exp:devcontainer writes it:
 * the container of exp:run's runs, for an editor. Field names are the spec's; nulls are left out of the file.
 */
public record DevContainer(
        String name,
        String image,
        String workspaceMount,
        String workspaceFolder,
        List<String> mounts,
        Map<String, String> containerEnv,
        String containerUser,
        boolean updateRemoteUserUID,
        List<String> runArgs,
        List<String> postStartCommand,
        Customizations customizations) {

    /** Where the plugin's runtime (exprun.py, gpu-check.sh) lies, relative to the project dir, to be mounted at /exp/lib. */
    static final String LIB = ".devcontainer/exprun-lib";
    private static final String LOCAL_FOLDER = "${localWorkspaceFolder}";

    /** The spec's place for a tool's own properties: ours is the marker that says who wrote the file. */
    public record Customizations(Marker exprun) {
    }

    /** writtenBy: always {@link DevContainerFile#WRITTEN_BY}; the rest says from what, for the reader of the file. */
    public record Marker(String writtenBy, String plugin, String project, String image, String digest, String note) {
    }

    /**
     * The container exp:run would start for this project (settings as checked for a run, the image as resolved, GPUs asked
     * as gpuMode, null without GPUs), with the work tree read-write since an editor edits it. Paths are relative to
     * {@code ${localWorkspaceFolder}}, the project dir the editor opens, so the file holds no path of this machine.
     */
    public static DevContainer of(String name, RunSettings settings, ResolvedImage image, GpuRequestMode gpuMode,
                                  WorkTreeLocation location, Marker marker) {
        String workTree = LOCAL_FOLDER + "/..".repeat(location.depth());
        String workingDir = RunDirectory.CONTAINER_WORKSPACE + (location.projectPath().isEmpty() ? "" : "/" + location.projectPath());
        String user = settings.containerUser();
        return new DevContainer(name, image.pinnedReference(),
                "source=" + workTree + ",target=" + RunDirectory.CONTAINER_WORKSPACE + ",type=bind",
                workingDir,
                List.of("source=" + LOCAL_FOLDER + "/" + LIB + ",target=" + RunDirectory.CONTAINER_LIB + ",type=bind,readonly"),
                environment(settings.env(), image),
                user,
                // The tools would otherwise build an image of their own to change the user's uid: no longer the pinned image.
                false,
                runArgs(settings, gpuMode),
                settings.gpus().requested() ? GpuCheck.wrap(List.of("/bin/sh", "-c", "exit 0"), settings.gpus()) : null,
                new Customizations(marker));
    }

    /**
     * The run's env names, each taken from the user's own environment when the editor starts the container: the configured
     * values may be secrets and never go into a file. PYTHONPATH puts /exp/lib first, as in a run.
     */
    private static Map<String, String> environment(Map<String, String> env, ResolvedImage image) {
        Map<String, String> container = new TreeMap<>();
        env.keySet().forEach(name -> container.put(name, localEnv(name)));
        container.put("PYTHONPATH", RuntimeFiles.pythonPath(env.containsKey("PYTHONPATH") ? localEnv("PYTHONPATH") : null,
                image.envValue("PYTHONPATH")));
        return container;
    }

    private static String localEnv(String name) {
        return "${localEnv:" + name + "}";
    }

    private static List<String> runArgs(RunSettings settings, GpuRequestMode gpuMode) {
        List<String> args = new ArrayList<>();
        args.add("--shm-size=" + settings.shmSizeBytes());
        if (settings.network() != null) {
            args.add("--network=" + settings.network());
        }
        args.addAll(gpuArgs(settings.gpus(), gpuMode));
        return args;
    }

    /**
     * The docker CLI's words for the request exp:run sends (checked by the same code: a count cannot go as CDI).
     * {@code --gpus} parses its value as CSV, so a device list is quoted: {@code "device=0,1"}.
     */
    static List<String> gpuArgs(GpuRequest gpus, GpuRequestMode mode) {
        if (!gpus.requested()) {
            return List.of();
        }
        DeviceRequest request = gpus.deviceRequest(mode);
        List<String> args = new ArrayList<>();
        if (mode == GpuRequestMode.CDI) {
            request.getDeviceIds().forEach(id -> args.addAll(List.of("--device", id)));
            return args;
        }
        String value = request.getDeviceIds() != null ? "\"device=" + String.join(",", request.getDeviceIds()) + "\""
                : request.getCount() < 0 ? "all" : String.valueOf(request.getCount());
        return List.of("--gpus", value);
    }
}
