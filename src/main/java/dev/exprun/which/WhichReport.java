package dev.exprun.which;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RecordJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The lines exp:which prints for an {@link Origin}: the runs that produced the file, or UNKNOWN with a hint. */
public final class WhichReport {
    /**
     * What to do when this clone lacks the records: a plain clone fetches neither notes nor (always)
     * tags. Not {@code git fetch origin refs/notes/exprun:refs/notes/exprun}: once both sides have runs
     * that is refused, or with + drops the local ones; exp:fetch-runs merges them (see NotesSync).
     */
    public static final String FETCH_HINT = "mvn exp:fetch-runs && git fetch --tags";

    private WhichReport() {
    }

    public static List<String> lines(Origin origin) {
        List<String> lines = new ArrayList<>();
        String file = origin.file().toString();
        if (origin.recorded()) {
            int n = origin.matches().size();
            lines.add(file + " (sha256 " + origin.sha256() + ", " + origin.size() + " bytes) was produced by "
                    + (n == 1 ? "1 recorded run:" : n + " recorded runs (bit-identical outputs):"));
            origin.matches().forEach(m -> run(m, lines));
            origin.fileProvenance().ifPresent(p -> lines.add("Provenance in the file (" + p.source() + "): run " + p.runId()
                    + ", commit " + p.commit() + ": " + verdict(origin.agreement())));
            return lines;
        }
        if (origin.fileProvenance().isPresent()) {
            FileProvenance p = origin.fileProvenance().get();
            lines.add(file + " (sha256 " + origin.sha256() + ", " + origin.size() + " bytes) matches no recorded run, but carries "
                    + "exprun provenance (" + p.source() + "; no record in this clone confirms it):");
            provenance(p, lines);
            lines.add("  " + searched(origin) + " If the run was recorded in another clone, fetch its notes and tags: " + FETCH_HINT);
            return lines;
        }
        lines.add("UNKNOWN: " + file + " (sha256 " + origin.sha256() + ") matches no recorded run and carries no exprun provenance");
        lines.add("  " + searched(origin) + " In the file: " + origin.provenance().reason() + ".");
        lines.add("  If it came from a run recorded in another clone, fetch the run notes and exp tags, then ask again: " + FETCH_HINT);
        return lines;
    }

    private static void run(RunMatch m, List<String> lines) {
        lines.add("Run " + m.runId() + ": " + (m.status() == null ? "status not recorded (known from an exp tag only)" : m.status())
                + (m.startedAt() == null ? "" : ", started " + m.startedAt()));
        lines.add("  commit:  " + m.commit() + where(m.branch(), m.describe()));
        if (m.dirty()) {
            lines.add("  dirty:   yes: the commit alone does not reproduce it; its patch has sha256 " + m.patchSha256()
                    + " (the run's exp-diff artifact)");
        }
        if (!m.tags().isEmpty()) {
            lines.add("  tags:    " + String.join(" ", m.tags()));
        }
        lines.add("  image:   " + image(m.image(), m.imageDigest()));
        lines.add("  params:  " + params(m.params()));
        if (!m.metrics().isEmpty()) {
            lines.add("  metrics: " + m.metrics().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" ")));
        }
        lines.add("  matched: " + m.matched().stream().map(WhichReport::matched).distinct().collect(Collectors.joining("; ")));
    }

    private static void provenance(FileProvenance p, List<String> lines) {
        lines.add("Run " + p.runId() + (p.startedAt() == null ? "" : ", started " + p.startedAt())
                + (p.project() == null ? "" : ", project " + p.project()));
        lines.add("  commit:  " + p.commit() + where(p.branch(), p.describe()));
        if (Boolean.TRUE.equals(p.dirty())) {
            lines.add("  dirty:   yes: the commit alone does not reproduce it; its patch has sha256 " + p.patchSha256());
        }
        lines.add("  image:   " + image(p.image(), p.imageDigest()));
        lines.add("  params:  " + params(RecordJson.MAPPER.convertValue(p.params(), Map.class)));
    }

    private static String matched(RunMatch.MatchedArtifact a) {
        return a.coordinates() + (a.path() == null ? "" : " (" + a.path() + ")") + " in the run's " + a.recordedIn();
    }

    private static String where(String branch, String describe) {
        List<String> parts = new ArrayList<>();
        if (branch != null) {
            parts.add("branch " + branch);
        }
        if (describe != null) {
            parts.add(describe);
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String image(String reference, String digest) {
        if (reference == null) {
            return "not recorded";
        }
        return digest == null ? reference : reference + " @ " + digest;
    }

    private static String params(Map<?, ?> params) {
        if (params == null || params.isEmpty()) {
            return "(none)";
        }
        return params.entrySet().stream().map(e -> e.getKey() + "=" + value(e.getValue())).collect(Collectors.joining(" "));
    }

    private static String value(Object v) {
        return v instanceof String s ? s : v instanceof JsonNode n && n.isTextual() ? n.asText() : RecordJson.compact(v);
    }

    private static String verdict(Origin.Agreement a) {
        return switch (a.verdict()) {
            case AGREES -> "agrees (" + a.detail() + ")";
            case DISAGREES -> "DISAGREES: " + a.detail();
            case NOT_COMPARED -> "not compared: " + a.detail();
        };
    }

    private static String searched(Origin o) {
        return "Searched " + plural(o.runsSearched(), "run note") + " on " + plural(o.commitsSearched(), "commit") + " and "
                + plural(o.tagsSearched(), "exp tag") + (o.runsSearched() == 0 ? " (this clone has no run notes)." : ".");
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
