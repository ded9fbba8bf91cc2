package dev.exprun.run;

import dev.exprun.git.GitProvenance;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment the training script sees: the container contract (README, "What the script sees"). */
final class ContainerEnvironment {
    private ContainerEnvironment() {
    }

    static Map<String, String> of(RunRecord record, Map<String, String> userEnv) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        GitProvenance git = record.git();
        env.put("EXP_RUN_ID", record.runId());
        env.put("EXP_OUTPUT_DIR", RunDirectory.CONTAINER_OUT);
        env.put("EXP_GIT_COMMIT", git.present() && git.commit() != null ? git.commit() : "");
        env.put("EXP_GIT_BRANCH", git.present() && git.branch() != null ? git.branch() : "");
        env.put("EXP_GIT_DESCRIBE", git.present() && git.describe() != null ? git.describe() : "");
        env.put("EXP_GIT_DIRTY", String.valueOf(git.present() && git.dirty()));
        env.put("EXP_IMAGE", record.image().reference());
        env.put("EXP_IMAGE_DIGEST", record.image().digest());
        env.put("EXP_PARAMS", RecordJson.compact(record.params()));
        env.put("EXP_PARAMS_FILE", RunDirectory.CONTAINER_IN + "/params.json");
        env.put("EXP_PROVENANCE_FILE", RunDirectory.CONTAINER_IN + "/provenance.json");
        if (record.sweep() != null) {
            env.put("EXP_SWEEP_ID", record.sweep().sweepId());
            env.put("EXP_TRIAL", record.sweep().trial());
        }
        return env;
    }
}
