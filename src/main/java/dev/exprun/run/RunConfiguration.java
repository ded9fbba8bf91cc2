package dev.exprun.run;

import dev.exprun.artifacts.OutputSpec;
import dev.exprun.cache.CacheConfiguration;
import dev.exprun.container.ImageReference;
import dev.exprun.container.RegistryCredentials;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.slurm.SlurmConfiguration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The run's configuration as the user wrote it (strings, lists, maps); {@link RunSettings} checks
 * and parses it. Element names in messages are the POM's, so this stays independent of Maven.
 */
public record RunConfiguration(
        ProjectInfo project,
        Path baseDir,
        Path buildDir,
        String image,
        boolean requirePinnedImage,
        String pull,
        String dockerHost,
        String dirty,
        String workspaceMount,
        String user,
        String shmSize,
        String network,
        Map<String, String> env,
        String timeout,
        List<String> command,
        String commandLine,
        String gpus,
        String gpuRequest,
        Map<String, String> params,
        Map<String, String> paramOverrides,
        List<OutputSpec> outputs,
        Map<String, RegistryCredentials> registryCredentials,
        Map<String, String> hostEnvironment,
        HostInfo host,
        String recordInGit,
        String reproduces,
        String gpuWait,
        String executor,
        SlurmConfiguration slurm,
        CacheConfiguration cache) {

    /**
     * The configuration that trains again as a recorded run did: its checkout, its image by digest,
     * its command and params (no -D overrides), uncommitted changes allowed (the recorded patch is one). It never uses
     * the run cache: a reproduction is a question whether training again gives the same numbers.
     */
    public RunConfiguration reproducing(String runId, Path checkoutBaseDir, String pinnedImage, List<String> recordedCommand,
                                        Map<String, String> recordedParams) {
        // An image id is never pulled: pull=always in the POM must not stop the reproduction of a never-pushed image.
        String reproducePull = ImageReference.parse(pinnedImage).byImageId() && pull != null && pull.trim().equalsIgnoreCase("always")
                ? "missing" : pull;
        return new RunConfiguration(project, checkoutBaseDir, buildDir, pinnedImage, true, reproducePull, dockerHost, "allow",
                workspaceMount, user, shmSize, network, env, timeout, recordedCommand, null, gpus, gpuRequest, recordedParams, Map.of(),
                outputs, registryCredentials, hostEnvironment, host, recordInGit, runId, gpuWait, executor, slurm,
                CacheConfiguration.OFF);
    }
}
