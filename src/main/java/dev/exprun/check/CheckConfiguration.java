package dev.exprun.check;

import dev.exprun.container.RegistryCredentials;
import java.nio.file.Path;
import java.util.Map;

/** What exp:check-env needs, as the user wrote it. */
public record CheckConfiguration(
        String projectCoordinates,
        Path baseDir,
        Path buildDir,
        String image,
        String pull,
        String dockerHost,
        String gpus,
        String gpuRequest,
        Map<String, RegistryCredentials> registryCredentials,
        Map<String, String> hostEnvironment) {
}
