package dev.exprun.sweep;

import dev.exprun.core.ExpLog;
import dev.exprun.sweep.SweepRecord.Trial;
import dev.exprun.sweep.SweepRecord.TrialStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sweep's one-line board: queued / running / done / failed, the best so far and the GPUs in use.
 * A line at each change of state, and while trials run at most every 5 s otherwise.
 */
final class SweepBoard implements AutoCloseable {
    static final long INTERVAL_MILLIS = 5_000;

    private final ExpLog log;
    private final ScheduledExecutorService ticker;
    private long lastLineNanos;
    private String lastLine;

    SweepBoard(ExpLog log) {
        this.log = log;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "exprun-sweep-board");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the 5 s line for a running sweep. */
    void follow(SweepState state) {
        ticker.scheduleAtFixedRate(() -> tick(state), INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A trial changed state. */
    synchronized void changed(SweepState state) {
        String line = line(state.record());
        if (!line.equals(lastLine)) { // two trials changing at once would print the same line twice
            print(line);
        }
    }

    private synchronized void tick(SweepState state) {
        SweepRecord record = state.record();
        boolean running = record.trials().stream().anyMatch(t -> t.status() == TrialStatus.RUNNING);
        if (running && System.nanoTime() - lastLineNanos >= TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS)) {
            print(line(record));
        }
    }

    private void print(String line) {
        lastLineNanos = System.nanoTime();
        lastLine = line;
        log.info(line);
    }

    static String line(SweepRecord record) {
        Map<TrialStatus, Long> counts = new java.util.EnumMap<>(TrialStatus.class);
        List<String> gpus = new ArrayList<>();
        for (Trial t : record.trials()) {
            counts.merge(t.status(), 1L, Long::sum);
            if (t.status() == TrialStatus.RUNNING || t.status() == TrialStatus.FINISHING) { // leases are held to the end
                gpus.addAll(t.gpus());
            }
        }
        StringBuilder b = new StringBuilder("Sweep ").append(record.sweepId()).append(": ")
                .append(count(counts, TrialStatus.QUEUED)).append(" queued, ")
                .append(count(counts, TrialStatus.RUNNING)).append(" running, ")
                .append(count(counts, TrialStatus.FINISHING) > 0 ? count(counts, TrialStatus.FINISHING) + " finishing, " : "")
                .append(count(counts, TrialStatus.SUCCEEDED)).append(" done, ")
                .append(count(counts, TrialStatus.FAILED) + count(counts, TrialStatus.TIMED_OUT)).append(" failed");
        if (count(counts, TrialStatus.INTERRUPTED) > 0) {
            b.append(", ").append(count(counts, TrialStatus.INTERRUPTED)).append(" interrupted");
        }
        if (count(counts, TrialStatus.CANCELLED) > 0) {
            b.append(", ").append(count(counts, TrialStatus.CANCELLED)).append(" cancelled");
        }
        if (record.best() != null) {
            Trial best = record.trials().stream().filter(t -> t.trial().equals(record.best())).findFirst().orElseThrow();
            b.append("; best ").append(best.trial()).append(' ').append(record.objective().metric()).append('=')
                    .append(format(best.metrics().get(record.objective().metric())));
        }
        if (record.gpusPerTrial() > 0) {
            b.append("; GPUs in use: ").append(gpus.isEmpty() ? "none" : String.join(",", gpus));
        }
        return b.toString();
    }

    private static long count(Map<TrialStatus, Long> counts, TrialStatus status) {
        return counts.getOrDefault(status, 0L);
    }

    static String format(Double value) {
        if (value == null) {
            return "-";
        }
        if (value.isNaN() || value.isInfinite()) {
            return String.valueOf(value);
        }
        // six significant digits, no trailing zeros: 0.2 stays 0.2, 0.123456789 becomes 0.123457
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
