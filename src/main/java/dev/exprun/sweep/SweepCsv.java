package dev.exprun.sweep;

import dev.exprun.sweep.SweepRecord.Trial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** sweep.csv: one row per trial, for a spreadsheet or pandas; params and metrics as columns of their own. */
final class SweepCsv {
    private SweepCsv() {
    }

    static void write(Path file, SweepRecord record) {
        Set<String> params = new LinkedHashSet<>();
        Set<String> metrics = new LinkedHashSet<>();
        for (Trial t : record.trials()) {
            params.addAll(t.params().keySet());
            if (t.metrics() != null) {
                metrics.addAll(t.metrics().keySet());
            }
        }
        List<String> header = new ArrayList<>(List.of("trial", "status", "best", "run_id", "attempts", "queue_wait_ms", "lease_wait_ms",
                "started_at", "ended_at", "duration_ms", "gpus"));
        params.forEach(p -> header.add("param." + p));
        metrics.forEach(m -> header.add("metric." + m));
        header.add("failure");
        StringBuilder csv = new StringBuilder(row(header));
        for (Trial t : record.trials()) {
            List<String> cells = new ArrayList<>(List.of(t.trial(), t.status().json(), String.valueOf(t.trial().equals(record.best())),
                    text(t.runId()), String.valueOf(t.attempts().size()), text(t.queueWaitMs()), text(t.leaseWaitMs()),
                    text(t.startedAt()), text(t.endedAt()), text(t.durationMs()), String.join(" ", t.gpus())));
            params.forEach(p -> cells.add(text(t.params().get(p))));
            metrics.forEach(m -> cells.add(t.metrics() == null ? "" : text(t.metrics().get(m))));
            cells.add(text(t.failure()));
            csv.append(row(cells));
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, csv, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static String text(Object value) {
        return value == null ? "" : Objects.toString(value);
    }

    /** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
    private static String row(List<String> cells) {
        return cells.stream().map(c -> c.matches("(?s).*[\",\\r\\n].*") ? "\"" + c.replace("\"", "\"\"") + "\"" : c)
                .collect(Collectors.joining(",")) + "\n";
    }
}
