package dev.exprun.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exprun.container.GpuRequestMode;
import dev.exprun.container.ImageReference;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpError;
import dev.exprun.git.WorkTreeLocation;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.EngineInfo;
import dev.exprun.run.RunSettings;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What devcontainer.json says, read back with a strict JSON parser, for each kind of setting. */
class DevContainerTest {
    private static final String DIGEST = "sha256:" + "d".repeat(64);
    private static final String IMAGE_ID = "sha256:" + "1".repeat(64);
    private static final ResolvedImage PUSHED = new ResolvedImage(ImageReference.parse("registry.example/team/train:1"), IMAGE_ID, DIGEST,
            ResolvedImage.REPO_DIGEST, List.of("PATH=/usr/bin", "PYTHONPATH=/opt/lib"));
    private static final ResolvedImage NEVER_PUSHED = new ResolvedImage(ImageReference.parse("localhost/exp-test/tiny:1"), IMAGE_ID, IMAGE_ID,
            ResolvedImage.IMAGE_ID, List.of());
    private static final WorkTreeLocation ROOT = new WorkTreeLocation(Path.of("/home/me/model"), "");
    private static final EngineInfo PODMAN_4 = new EngineInfo("podman", "4.3.1", "1.41", "linux", "amd64");

    private static Projects.Config config() {
        return Projects.config(Path.of("/home/me/model"), "model"); // no command: the goal does not need one
    }

    /** The file as an editor reads it, parsed by a plain Jackson mapper that accepts strict JSON only. */
    private static JsonNode json(RunSettings settings, ResolvedImage image, GpuRequestMode gpuMode, WorkTreeLocation location)
            throws Exception {
        DevContainer content = DevContainer.of("model (exp:run's container)", settings, image, gpuMode, location,
                new DevContainer.Marker(DevContainerFile.WRITTEN_BY, "0.1.0-SNAPSHOT", "g:model", image.reference().toString(),
                        image.digest(), "note"));
        return new ObjectMapper().readTree(RecordJson.MAPPER.writeValueAsString(content));
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    @Test
    void theRunsImageWorkTreeEnvNamesShmNetworkAndUser() throws Exception {
        Projects.Config config = config();
        config.env.put("HF_TOKEN", "hf_secret_value");
        config.env.put("WANDB_API_KEY", "wandb-secret");
        config.shmSize = "4g";
        config.network = "none";
        RunSettings settings = RunSettings.withoutCommand(config.build());

        JsonNode file = json(settings, PUSHED, null, ROOT);

        assertEquals("registry.example/team/train@" + DIGEST, file.path("image").asText(), "pinned by the registry digest");
        assertEquals("source=${localWorkspaceFolder},target=/workspace,type=bind", file.path("workspaceMount").asText(), "read-write");
        assertEquals("/workspace", file.path("workspaceFolder").asText());
        assertEquals(List.of("source=${localWorkspaceFolder}/.devcontainer/exprun-lib,target=/exp/lib,type=bind,readonly"),
                strings(file.path("mounts")));
        assertEquals(Map.of("HF_TOKEN", "${localEnv:HF_TOKEN}", "WANDB_API_KEY", "${localEnv:WANDB_API_KEY}",
                "PYTHONPATH", "/exp/lib:/opt/lib"), RecordJson.MAPPER.convertValue(file.path("containerEnv"), Map.class));
        assertEquals(Cmd.run(null, "id", "-u") + ":" + Cmd.run(null, "id", "-g"), file.path("containerUser").asText());
        assertFalse(file.path("updateRemoteUserUID").asBoolean(true), "no image of the tools' own");
        assertEquals(List.of("--shm-size=4294967296", "--network=none"), strings(file.path("runArgs")));
        assertTrue(file.path("postStartCommand").isMissingNode(), "no GPUs, no GPU check");
        JsonNode marker = file.path("customizations").path("exprun");
        assertEquals("exp:devcontainer", marker.path("writtenBy").asText());
        assertEquals("registry.example/team/train:1", marker.path("image").asText());
        assertEquals(DIGEST, marker.path("digest").asText());
        String text = file.toString();
        assertFalse(text.contains("hf_secret_value") || text.contains("wandb-secret"), text);
        assertFalse(text.contains("/home/me"), "no path of this machine: " + text);
    }

    @Test
    void aProjectBelowTheWorkTreeRootMountsTheWholeWorkTreeAndOpensItsOwnDirectory() throws Exception {
        JsonNode file = json(RunSettings.withoutCommand(config().build()), PUSHED, null,
                new WorkTreeLocation(Path.of("/home/me/repo"), "models/mlp"));
        assertEquals("source=${localWorkspaceFolder}/../..,target=/workspace,type=bind", file.path("workspaceMount").asText());
        assertEquals("/workspace/models/mlp", file.path("workspaceFolder").asText());
    }

    @Test
    void aNeverPushedImageIsNamedByItsIdAndAConfiguredPythonpathComesFromTheUsersEnvironment() throws Exception {
        Projects.Config config = config();
        config.env.put("PYTHONPATH", "/workspace/src");
        JsonNode file = json(RunSettings.withoutCommand(config.build()), NEVER_PUSHED, null, ROOT);
        assertEquals(IMAGE_ID, file.path("image").asText(), "an engine cannot resolve name@<image id>");
        assertEquals("/exp/lib:${localEnv:PYTHONPATH}", file.path("containerEnv").path("PYTHONPATH").asText());
    }

    @Test
    void theImagesOwnUserOrANamedOne() throws Exception {
        Projects.Config config = config();
        config.user = "image";
        assertTrue(json(RunSettings.withoutCommand(config.build()), PUSHED, null, ROOT).path("containerUser").isMissingNode());
        config.user = "1000:1000";
        assertEquals("1000:1000", json(RunSettings.withoutCommand(config.build()), PUSHED, null, ROOT).path("containerUser").asText());
    }

    @ParameterizedTest(name = "gpus={0} gpuRequest={1}")
    @CsvSource(delimiter = ';', value = {
            "all; nvidia; --gpus|all; all",
            "2; nvidia; --gpus|2; 2",
            "0,1; nvidia; --gpus|\"device=0,1\"; =2",
            "device=0; nvidia; --gpus|\"device=0\"; =1",
            "GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e; nvidia; --gpus|\"device=GPU-5bd0a2f8-0f2c-4dc8-9b65-32a1e48f8b1e\"; =1",
            "all; cdi; --device|nvidia.com/gpu=all; all",
            "0,1; cdi; --device|nvidia.com/gpu=0|--device|nvidia.com/gpu=1; =2",
            "nvidia.com/gpu=0; auto; --device|nvidia.com/gpu=0; =1",
            "all; auto; --gpus|all; all"})
    void gpusAsTheDockerCliAsksForThemAndCheckedWhenTheContainerStarts(String gpus, String gpuRequest, String args, String expected)
            throws Exception {
        Projects.Config config = config();
        config.gpus = gpus;
        config.gpuRequest = gpuRequest;
        RunSettings settings = RunSettings.withoutCommand(config.build());
        GpuRequestMode mode = settings.gpuRequest().resolve(PODMAN_4, settings.gpus()); // as the writer does with the engine's info

        JsonNode file = json(settings, PUSHED, mode, ROOT);

        List<String> expectedArgs = new ArrayList<>(List.of("--shm-size=2147483648"));
        expectedArgs.addAll(List.of(args.split("\\|")));
        assertEquals(expectedArgs, strings(file.path("runArgs")));
        List<String> check = strings(file.path("postStartCommand"));
        assertEquals(List.of("/bin/sh", "/exp/lib/gpu-check.sh", expected), check.subList(0, 3));
        assertEquals(List.of("--", "/bin/sh", "-c", "exit 0"), check.subList(check.size() - 4, check.size()));
    }

    @Test
    void aCountCannotBeAskedAsCdiHereEither() {
        Projects.Config config = config();
        config.gpus = "2";
        config.gpuRequest = "cdi";
        ExpError e = assertThrows(ExpError.class, () -> RunSettings.withoutCommand(config.build()));
        assertTrue(e.fix().contains("-Dexp.gpuRequest=nvidia"), e.fix());
    }
}
