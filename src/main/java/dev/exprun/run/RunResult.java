package dev.exprun.run;

import dev.exprun.record.RunRecord;
import java.util.List;

/** A finished, successful run: its record, where its files are, and what to attach. */
public record RunResult(RunRecord record, RunDirectory directory, List<Attachment> attachments) {
}
