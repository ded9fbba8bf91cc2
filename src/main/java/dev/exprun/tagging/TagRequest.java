package dev.exprun.tagging;

import dev.exprun.gate.GateResult;
import dev.exprun.record.RunRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What exp:tag needs: the project, the tag to make, the run it marks, its gates, its artifacts, and how to publish it. */
public record TagRequest(Path baseDir, Path buildDir, String name, RunRecord run, List<GateResult> gates,
                         List<Map<String, String>> artifacts, Map<String, String> hostEnvironment, TagOptions options) {
}
