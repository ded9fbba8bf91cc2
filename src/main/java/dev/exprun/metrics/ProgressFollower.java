package dev.exprun.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RecordJson;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows the run's {@code metrics.jsonl} while the container runs and prints a compact progress
 * line at most every few seconds: the step and the latest values of up to four metrics. Plain lines,
 * so they read the same in batch mode and in CI logs. Incomplete last lines wait for their newline.
 */
public final class ProgressFollower implements AutoCloseable {
    static final int MAX_METRICS = 4;
    private static final String[] NOT_METRICS = {"step", "time", "seed"};

    private final Path series;
    private final ExpLog log;
    private final ScheduledExecutorService timer;
    private final Map<String, Object> latest = new LinkedHashMap<>();
    private long offset;
    private boolean changed;

    public ProgressFollower(Path series, ExpLog log, long intervalMillis) {
        this.series = series;
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "exprun-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    synchronized void poll() {
        try {
            readNewLines();
            if (changed) {
                changed = false;
                String line = line();
                if (line != null) {
                    log.info(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Progress is a courtesy: a file the script is rewriting must not disturb the run.
            log.debug("Progress: " + e.getMessage());
        }
    }

    private void readNewLines() throws IOException {
        if (!Files.isRegularFile(series)) {
            return;
        }
        try (RandomAccessFile file = new RandomAccessFile(series.toFile(), "r")) {
            long length = file.length();
            if (length < offset) {
                offset = 0; // truncated: the script started the file again
            }
            if (length == offset) {
                return;
            }
            byte[] chunk = new byte[(int) Math.min(length - offset, 1 << 20)];
            file.seek(offset);
            file.readFully(chunk);
            int lastNewline = lastIndexOf(chunk, (byte) '\n');
            if (lastNewline < 0) {
                return;
            }
            offset += lastNewline + 1;
            for (String text : new String(chunk, 0, lastNewline, StandardCharsets.UTF_8).split("\n")) {
                accept(text);
            }
        }
    }

    private void accept(String text) {
        if (text.isBlank()) {
            return;
        }
        try {
            JsonNode node = RecordJson.MAPPER.readTree(text);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isNumber() || field.getValue().isTextual()) {
                    latest.put(field.getKey(), field.getValue().isNumber() ? field.getValue().numberValue() : field.getValue().asText());
                    changed = true;
                }
            }
        } catch (IOException e) {
            // One bad line does not stop the progress view.
        }
    }

    /** "progress: step 120 | loss 0.2310 | val_acc 0.9100", or null when there is no metric yet. */
    synchronized String line() {
        StringBuilder b = new StringBuilder("progress:");
        Object step = latest.get("step");
        if (step != null) {
            b.append(" step ").append(step);
        }
        int shown = 0;
        for (Map.Entry<String, Object> e : latest.entrySet()) {
            if (shown == MAX_METRICS || isNotMetric(e.getKey())) {
                continue;
            }
            b.append(shown == 0 && step == null ? " " : " | ").append(e.getKey()).append(' ').append(format(e.getValue()));
            shown++;
        }
        return shown == 0 && step == null ? null : b.toString();
    }

    private static boolean isNotMetric(String key) {
        for (String k : NOT_METRICS) {
            if (k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Math.abs(d) >= 1e4 || (d != 0 && Math.abs(d) < 1e-3) ? String.format(Locale.ROOT, "%.3e", d)
                    : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(value);
    }

    private static int lastIndexOf(byte[] data, byte b) {
        for (int i = data.length - 1; i >= 0; i--) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Stops following; prints a last line if something new arrived since the previous one. */
    @Override
    public void close() {
        timer.shutdownNow();
        poll();
    }
}
