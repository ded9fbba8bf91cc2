package dev.exprun.report;

import dev.exprun.history.HistoryEntry;
import dev.exprun.history.RunNote;
import dev.exprun.record.RunRecord;
import java.util.List;

/**
 * What the report shows, drawn but not yet laid out: as one page (ReportPage), as a part of the Maven site, or as one
 * SVG file per chart.
 *
 * @param columns the metrics the runs table lists
 * @param legend  the overlaid runs' names, in the palette's order
 * @param details the runs that get a detail anchor, with the reproductions that name them
 */
record ReportContent(String project, List<HistoryEntry> runs, List<String> columns, List<Chart> curves, List<String> legend,
                     String curvesNote, List<Sweep> sweeps, String sweepsNote, List<Chart> timeline, int tags, String timelineNote,
                     List<Detail> details) {

    /** A sweep's section: its charts, and a line on its trials and its best. */
    record Sweep(String id, String note, List<Chart> charts) {
    }

    /** A run's provenance, and the runs that reproduced it (their notes). */
    record Detail(RunRecord record, List<RunNote> reproductions) {
    }

    List<Chart> charts() {
        List<Chart> all = new java.util.ArrayList<>(curves);
        sweeps.forEach(s -> all.addAll(s.charts()));
        all.addAll(timeline);
        return all;
    }
}
