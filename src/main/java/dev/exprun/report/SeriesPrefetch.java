package dev.exprun.report;

import dev.exprun.gate.MetricDirection;
import dev.exprun.record.RecordJson;
import dev.exprun.record.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads the series of the runs most likely overlaid while the git notes are read: by the run directories' own records,
 * the best by the objective (else the newest), up to maxRuns. Reading both takes about a second each in a JVM that has
 * not warmed up, and they need different cores. A run the table then overlays without a prefetch is read when asked.
 */
final class SeriesPrefetch implements AutoCloseable {
    private final Map<String, CompletableFuture<Map<String, MetricSeries>>> started = new ConcurrentHashMap<>();
    private final Function<String, Path> metricsOf;
    private volatile boolean closed;

    private SeriesPrefetch(Function<String, Path> metricsOf) {
        this.metricsOf = metricsOf;
    }

    /** runsDir: target/exp/runs; metricsOf: a run id's metrics.jsonl. */
    static SeriesPrefetch start(Path runsDir, Function<String, Path> metricsOf, ReportOptions options) {
        SeriesPrefetch prefetch = new SeriesPrefetch(metricsOf);
        Thread t = new Thread(() -> {
            for (String id : likely(runsDir, options)) {
                if (prefetch.closed) {
                    return;
                }
                prefetch.future(id);
            }
        }, "exp-report-prefetch");
        t.setDaemon(true);
        t.start();
        return prefetch;
    }

    /** The run's series: prefetched, or read now. */
    Map<String, MetricSeries> series(String runId) throws IOException {
        try {
            return future(runId).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the series of run " + runId, e);
        }
    }

    private CompletableFuture<Map<String, MetricSeries>> future(String runId) {
        CompletableFuture<Map<String, MetricSeries>> mine = new CompletableFuture<>();
        CompletableFuture<Map<String, MetricSeries>> theirs = started.putIfAbsent(runId, mine);
        if (theirs != null) {
            return theirs;
        }
        try {
            mine.complete(MetricSeries.read(metricsOf.apply(runId)));
        } catch (IOException e) {
            mine.completeExceptionally(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /** The run directories' ids, best or newest first, as far as their own records tell; none on any trouble. */
    private static List<String> likely(Path runsDir, ReportOptions options) {
        record Candidate(String id, Double value) {
        }
        String objective = options.objectiveOrNull();
        try (Stream<Path> dirs = Files.list(runsDir)) {
            Stream<Candidate> candidates = dirs.filter(d -> Files.isRegularFile(d.resolve("out").resolve("metrics.jsonl")))
                    .map(d -> {
                        RunRecord r = RecordJson.read(d.resolve("run.json"), RunRecord.class);
                        return r.cachedFrom() != null ? null
                                : new Candidate(r.runId(), objective == null || r.metrics() == null ? null : r.metrics().get(objective));
                    }).filter(c -> c != null);
            if (objective == null) {
                return candidates.sorted(Comparator.comparing(Candidate::id).reversed()).limit(options.maxRuns()).map(Candidate::id).toList();
            }
            Comparator<Candidate> best = Comparator.comparingDouble(Candidate::value);
            boolean higher = MetricDirection.of(objective, options.higherIsBetter(), options.lowerIsBetter()) == MetricDirection.HIGHER_IS_BETTER;
            return candidates.filter(c -> c.value() != null && Double.isFinite(c.value())).sorted(higher ? best.reversed() : best)
                    .limit(options.maxRuns()).map(Candidate::id).toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // only a guess: the report reads what it needs when it needs it
        }
    }

    /** Stops before the next run: what is not read yet is no longer wanted. */
    @Override
    public void close() {
        closed = true;
    }
}
