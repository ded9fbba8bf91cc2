package dev.exprun.history;

import java.util.List;

/**
 * What exp:history shows: all refs or only HEAD's history, runs since a date ({@code 2026-11-01},
 * an ISO instant, or {@code 7d}/{@code 12h}), only tagged commits, a metric filter in gate syntax
 * ({@code val_acc>=0.9,loss<0.3}), a sort key ({@code -val_acc}, {@code date}), the metric columns,
 * the format ({@code table}, {@code json}, {@code csv}), and one sweep's trials only (its id; null for every run).
 */
public record HistoryOptions(boolean all, String since, boolean tagsOnly, String where, String sort, List<String> metrics,
                             String format, String sweep) {

    public HistoryOptions(boolean all, String since, boolean tagsOnly, String where, String sort, List<String> metrics, String format) {
        this(all, since, tagsOnly, where, sort, metrics, format, null);
    }
}
