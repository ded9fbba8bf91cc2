package dev.exprun.testing;

import dev.exprun.artifacts.OutputSpec;
import dev.exprun.cache.CacheConfiguration;
import dev.exprun.record.RunRecord.HostInfo;
import dev.exprun.record.RunRecord.ProjectInfo;
import dev.exprun.run.RunConfiguration;
import dev.exprun.slurm.SlurmConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real training projects in real git repositories, and run configurations for them. */
public final class Projects {
    private Projects() {
    }

    /** A repository with one commit holding the given files (path -> content). */
    public static Path gitRepo(Path dir, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            Cmd.run(dir, "git", "init", "-q", "-b", "main");
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = dir.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            Cmd.run(dir, "git", "add", "-A");
            Cmd.run(dir, "git", "commit", "-q", "-m", "initial");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String head(Path repo) {
        return Cmd.run(repo, "git", "rev-parse", "HEAD");
    }

    /** Builder-ish: a configuration for the tiny image with the given command, everything else default. */
    public static Config config(Path baseDir, String project, String... command) {
        return new Config(baseDir, project, List.of(command));
    }

    public static final class Config {
        private final Path baseDir;
        private final String project;
        private final List<String> command;
        public String image = TestEngine.TINY;
        public String pull = "never";
        public String dirty;
        public String gpus;
        public String timeout;
        public String workspaceMount;
        public String user;
        public String shmSize;
        public String network;
        public final Map<String, String> env = new HashMap<>();
        public final Map<String, String> params = new HashMap<>();
        public final Map<String, String> paramOverrides = new HashMap<>();
        public final Map<String, String> hostEnv = new HashMap<>(Map.of("DOCKER_HOST", TestEngine.host()));
        public List<OutputSpec> outputs = List.of();
        public String recordInGit = "notes";
        public String gpuRequest;
        public String gpuWait;
        public String executor;
        public SlurmConfiguration slurm = SlurmConfiguration.NONE;
        /** Off unless a test is about the run cache: most tests train the same thing twice on purpose. */
        public CacheConfiguration cache = CacheConfiguration.OFF;

        Config(Path baseDir, String project, List<String> command) {
            this.baseDir = baseDir;
            this.project = project;
            this.command = command;
        }

        public RunConfiguration build() {
            return new RunConfiguration(new ProjectInfo("test.exprun", project, "1.0-SNAPSHOT"), baseDir, baseDir.resolve("target"),
                    image, false, pull, null, dirty, workspaceMount, user, shmSize, network, env, timeout, command, null, gpus, gpuRequest,
                    params, paramOverrides, outputs, Map.of(), hostEnv,
                    new HostInfo("Linux", "amd64", System.getProperty("java.version"), "test", "test"), recordInGit, null, gpuWait, executor,
                    slurm, cache);
        }
    }
}
