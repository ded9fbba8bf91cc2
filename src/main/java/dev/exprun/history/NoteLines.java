package dev.exprun.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.exprun.record.RecordJson;
import java.util.ArrayList;
import java.util.List;

/**
 * A commit's note text: one compact JSON {@link RunNote} per line. Appending is adding a line and
 * merging two notes is the union of their lines, so notes from several people never conflict. Blank
 * lines (git notes append adds them) and lines that are not exprun notes are kept out, not failed on.
 */
public final class NoteLines {
    // One reader for every line: history parses tens of thousands of them, and a reader built per call costs more than the parse.
    private static final ObjectReader READER = RecordJson.MAPPER.readerFor(RunNote.class);

    private NoteLines() {
    }

    public static List<RunNote> parse(String text) {
        List<RunNote> notes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("{")) {
                continue;
            }
            try {
                RunNote note = READER.readValue(trimmed);
                if (RunNote.SCHEMA.equals(note.schema()) && note.runId() != null) {
                    notes.add(note);
                }
            } catch (JsonProcessingException e) {
                // someone else's note on the same ref, or a line cut short: not a run of ours
            }
        }
        return notes;
    }

    /** One line, no trailing newline. */
    public static String format(RunNote note) {
        return RecordJson.compact(note);
    }
}
