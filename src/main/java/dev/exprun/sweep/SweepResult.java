package dev.exprun.sweep;

import dev.exprun.run.Attachment;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished sweep: its record, the best trial's run record (null without an objective), and what the
 * build attaches: the sweep record (json, csv) and every succeeded trial's files, classifiers suffixed
 * by the trial (model-t03).
 */
public record SweepResult(SweepRecord record, Path recordFile, Path bestRunRecord, List<Attachment> attachments) {
}
