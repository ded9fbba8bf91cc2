package dev.exprun.cache;

import dev.exprun.core.ExpError;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.WorkTreeInputs;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.CacheKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run cache's key: SHA-256 over canonical JSON (keys sorted, no whitespace) of each part's own SHA-256. The parts
 * are kept hashed in the record and the note, so that a later miss can name which part changed without any value
 * (an env value may be a secret) being written down.
 */
public final class CacheKeys {
    public static final String SCHEMA = "exprun.cache/v1";
    /** The container contract's version (the EXP_* variables, /exp mounts, exprun's files): bumped when it changes. */
    public static final String CONTRACT = "1";

    /** The part names, in the order a miss names them. */
    public static final List<String> PARTS = List.of("inputs", "tree", "changes", "image", "command", "params", "env", "gpus",
            "runtime", "contract", "salt");

    private CacheKeys() {
    }

    public static CacheKey compute(KeyFacts facts, InputGlobs inputs) {
        WorkTreeInputs.Digest code = WorkTreeInputs.of(facts.git(), inputs.isEmpty() ? null : inputs);
        refuseUnmatched(code, inputs, facts.git());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("inputs", inputs.globs());
        values.put("tree", code.tree());
        values.put("changes", code.changes());
        values.put("image", facts.imageDigest());
        // The working directory is part of what the command means: the same argv in another module of the repository.
        values.put("command", Map.of("argv", facts.command(), "workdir", facts.git().present() ? facts.git().projectPath() : ""));
        values.put("params", facts.params());
        values.put("env", facts.env());
        values.put("gpus", facts.gpus());
        values.put("runtime", facts.runtime());
        values.put("contract", CONTRACT);
        values.put("salt", facts.salt());
        Map<String, String> parts = new LinkedHashMap<>();
        values.forEach((name, value) -> parts.put(name, sha256(canonical(value))));
        Map<String, Object> whole = new TreeMap<>();
        whole.put("schema", SCHEMA);
        whole.put("parts", new TreeMap<>(parts));
        return new CacheKey(sha256(canonical(whole)), inputs.globs(), parts);
    }

    /** Refuses cacheInputs that match no file, once for a whole build (a sweep's trials would each fail on it). */
    public static void requireInputsMatch(GitProvenance git, InputGlobs inputs) {
        if (!inputs.isEmpty() && git.present()) {
            refuseUnmatched(WorkTreeInputs.of(git, inputs), inputs, git);
        }
    }

    private static void refuseUnmatched(WorkTreeInputs.Digest code, InputGlobs inputs, GitProvenance git) {
        if (!inputs.isEmpty() && code.files() == 0) {
            // Most likely a typo (scr/**): a key over no file would serve a run whatever the training's code became.
            throw new ExpError("The cacheInputs " + String.join(", ", inputs.globs()) + " match no file of the project ("
                    + git.workTree() + (git.projectPath().isEmpty() ? "" : "/" + git.projectPath()) + ").",
                    "fix the globs (paths relative to the project directory, e.g. train.py or src/**), or remove <cacheInputs> "
                            + "(-Dexp.cacheInputs) to key the whole work tree");
        }
    }

    /** Canonical JSON: maps with sorted keys all the way down, compact, null as null. */
    static String canonical(Object value) {
        return value == null ? "null" : RecordJson.compact(sorted(value));
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }
}
