package dev.exprun.cache;

import dev.exprun.git.GitProvenance;
import java.util.List;
import java.util.Map;

/**
 * Everything a run's training sees, as the key takes it: the code (git), the image digest, the command, the params
 * after overrides, the env (values only ever hashed), the GPU request ("none", "all" or a count), the exprun runtime's
 * version (the sha256 of its files) and the optional cacheSalt. No path, host, run id or time is among them.
 */
public record KeyFacts(GitProvenance git, String imageDigest, List<String> command, Map<String, Object> params,
                       Map<String, String> env, String gpus, String runtime, String salt) {
}
