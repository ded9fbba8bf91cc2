package dev.exprun.run;

import dev.exprun.container.ResolvedImage;
import dev.exprun.git.GitProvenance;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment the training script sees: the container contract (README, "What the script sees"). An interactive
 * session (exp:shell, exp:notebook) sees the same, less what only a recorded run has (its id, record, sweep trial).
 */
public final class ContainerEnvironment {
    private ContainerEnvironment() {
    }

    static Map<String, String> of(RunRecord record, Map<String, String> userEnv, ResolvedImage image) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        env.put("EXP_RUN_ID", record.runId());
        shared(env, record.git(), record.image().reference(), record.image().digest(), record.params());
        env.put("EXP_PROVENANCE_FILE", RunDirectory.CONTAINER_IN + "/provenance.json");
        if (record.sweep() != null) {
            env.put("EXP_SWEEP_ID", record.sweep().sweepId());
            env.put("EXP_TRIAL", record.sweep().trial());
        }
        env.put("PYTHONPATH", RuntimeFiles.pythonPath(userEnv.get("PYTHONPATH"), image.envValue("PYTHONPATH")));
        return env;
    }

    /** A session's: no EXP_RUN_ID and no EXP_PROVENANCE_FILE, since no run is recorded. */
    public static Map<String, String> forSession(Map<String, String> userEnv, GitProvenance git, ResolvedImage image,
                                                Map<String, Object> params) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        shared(env, git, image.reference().toString(), image.digest(), params);
        env.put("PYTHONPATH", RuntimeFiles.pythonPath(userEnv.get("PYTHONPATH"), image.envValue("PYTHONPATH")));
        return env;
    }

    private static void shared(Map<String, String> env, GitProvenance git, String image, String digest, Map<String, Object> params) {
        env.put("EXP_OUTPUT_DIR", RunDirectory.CONTAINER_OUT);
        env.put("EXP_GIT_COMMIT", git.present() && git.commit() != null ? git.commit() : "");
        env.put("EXP_GIT_BRANCH", git.present() && git.branch() != null ? git.branch() : "");
        env.put("EXP_GIT_DESCRIBE", git.present() && git.describe() != null ? git.describe() : "");
        env.put("EXP_GIT_DIRTY", String.valueOf(git.present() && git.dirty()));
        env.put("EXP_IMAGE", image);
        env.put("EXP_IMAGE_DIGEST", digest);
        env.put("EXP_PARAMS", RecordJson.compact(params));
        env.put("EXP_PARAMS_FILE", RunDirectory.CONTAINER_IN + "/params.json");
    }

    /** The host directory mounted at /workspace: the git work tree, or the project's directory outside git. */
    public static Path workspace(GitProvenance git, Path baseDir) {
        return git.present() ? Path.of(git.workTree()) : baseDir.toAbsolutePath();
    }

    /** The project's directory inside the container: /workspace, or below it where the project sits deeper in its repository. */
    public static String workingDir(GitProvenance git) {
        String projectPath = git.present() ? git.projectPath() : "";
        return RunDirectory.CONTAINER_WORKSPACE + (projectPath.isEmpty() ? "" : "/" + projectPath);
    }
}
