package dev.exprun.gate;

import java.util.Map;

/** The metrics of the model a release is compared against, read from its tag's annotation. */
public record Baseline(String tag, String commit, String runId, Map<String, Double> metrics) {
}
