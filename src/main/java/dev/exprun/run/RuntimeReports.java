package dev.exprun.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.artifacts.OutputCollector;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord.RuntimeReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what exprun reported about the run's runtime ({@code <out>/.exprun/runtime.json}, schema
 * exprun.runtime/v1): the seed, how determinism was asked for, and the ops torch warned have no
 * deterministic implementation. A run without it has no runtime section; an unreadable one is a warning.
 */
final class RuntimeReports {
    static final String FILE = "runtime.json";

    private RuntimeReports() {
    }

    static RuntimeReport read(Path outDir, ExpLog log) {
        Path file = outDir.resolve(OutputCollector.RUNTIME_DIR).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode json = RecordJson.MAPPER.readTree(file.toFile());
            List<String> ops = new ArrayList<>();
            json.path("nondeterministic_ops").forEach(op -> ops.add(op.asText()));
            JsonNode seed = json.path("seed");
            return new RuntimeReport(seed.canConvertToLong() ? seed.asLong() : null,
                    json.path("deterministic").isTextual() ? json.path("deterministic").asText() : null, List.copyOf(ops));
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring exprun's unreadable runtime report " + file + ": " + e.getMessage());
            return null;
        }
    }
}
