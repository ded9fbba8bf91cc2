package dev.exprun.history;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.exprun.core.ExpError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Run history as git notes on {@link #REF}: one line per run on the run's commit (see {@link NoteLines}).
 * Only the notes ref is ever written, so HEAD, the index, the work tree and every branch stay as the
 * user left them. Several builds may record at once (parallel CI jobs, linked worktrees): each write
 * is a compare-and-swap of the ref, redone on the new tip when another build won the race.
 */
public final class RunNotes {
    public static final String REF = "refs/notes/exprun";

    private static final int TRIES = 20;
    private static final long MAX_BACKOFF_MS = 1000;
    // A note is a few hundred bytes a run; this only stops a corrupt or hostile blob from eating the heap.
    private static final int MAX_NOTE_BYTES = 256 << 20;

    private final Repository repo;

    public RunNotes(Repository repo) {
        this.repo = Objects.requireNonNull(repo, "repo");
    }

    /** Appends one line to the note on commit; compare-and-swap on REF, retried on a lost race. */
    public void append(String commit, RunNote note) {
        if (note == null || note.runId() == null || !RunNote.SCHEMA.equals(note.schema())) {
            // NoteLines.parse skips such a line, so it would be written and never read back
            throw new IllegalArgumentException("A run note needs the schema " + RunNote.SCHEMA + " and a runId: " + note);
        }
        ObjectId target = commitId(commit);
        String line = NoteLines.format(note) + "\n";
        update("exprun: run " + note.runId(), "record run " + note.runId() + " on " + commit, (tip, map, reader, inserter) -> {
            if (!reader.has(target)) {
                throw new ExpError("Cannot record run " + note.runId() + ": the commit " + commit + " is not in " + where(),
                        "record runs on a commit of this repository (the run's HEAD)");
            }
            byte[] old = map.getCachedBytes(target, MAX_NOTE_BYTES);
            Union union = Union.of(old, line.getBytes(UTF_8));
            if (union.runsAdded() == 0) {
                return Edit.unchanged(null);
            }
            map.set(target, inserter.insert(Constants.OBJ_BLOB, union.bytes()));
            return Edit.commit(null);
        });
    }

    /**
     * Every note under REF: commit id -> its runs in line order. One pass over the notes tree (no per-commit walks).
     * Notes holding no run of ours (someone's text on our ref) are left out; a commit's id is listed even
     * when the commit itself is gone (rewritten and garbage-collected), since a note does not keep it alive.
     */
    public Map<String, List<RunNote>> readAll() {
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            Ref ref = repo.exactRef(REF);
            if (ref == null || ref.getObjectId() == null) {
                return Map.of();
            }
            NoteMap map = NoteMap.read(reader, walk.parseCommit(ref.getObjectId()));
            Map<String, List<RunNote>> runs = new LinkedHashMap<>();
            for (Note note : map) {
                byte[] text = reader.open(note.getData(), Constants.OBJ_BLOB).getCachedBytes(MAX_NOTE_BYTES);
                List<RunNote> parsed = NoteLines.parse(new String(text, UTF_8));
                if (!parsed.isEmpty()) { // a note of someone else's on our ref holds no runs
                    runs.put(note.name(), Collections.unmodifiableList(parsed));
                }
            }
            return Collections.unmodifiableMap(runs);
        } catch (IOException e) {
            throw new ExpError("Cannot read the run history (" + REF + ") in " + where() + ": " + e.getMessage(),
                    "check that the repository is readable and not corrupt (git fsck)", e);
        }
    }

    /**
     * Merges the notes commit theirs (fetched from a remote) into REF: the union of the lines on every
     * commit, ours first. Already contained: nothing changes; ours contained in theirs: REF moves to
     * theirs; else a merge commit with both as parents, so that REF stays a fast-forward of the remote.
     */
    NotesSync.Counts merge(ObjectId theirs, String from) {
        return update("exprun: merge runs from " + from, "merge runs from " + from, (tip, map, reader, inserter) -> {
            try (RevWalk walk = new RevWalk(reader)) {
                RevCommit their = walk.parseCommit(theirs);
                RevCommit ours = tip == null ? null : walk.parseCommit(tip);
                if (ours != null && walk.isMergedInto(their, ours)) {
                    return Edit.unchanged(NotesSync.Counts.NONE);
                }
                NoteMap theirMap = NoteMap.read(reader, their);
                if (ours == null || walk.isMergedInto(ours, their)) {
                    return Edit.moveTo(their, union(map, theirMap, reader, null));
                }
                return Edit.commit(union(map, theirMap, reader, inserter), their);
            }
        });
    }

    /** What the notes commit ours has that theirs lacks, counted by runs as merge counts them (theirs null: everything). */
    NotesSync.Counts missingFrom(ObjectId ours, ObjectId theirs) {
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            NoteMap target = theirs == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, walk.parseCommit(theirs));
            return union(target, NoteMap.read(reader, walk.parseCommit(ours)), reader, null);
        } catch (IOException e) {
            throw new ExpError("Cannot read the run history (" + REF + ") in " + where() + ": " + e.getMessage(),
                    "check that the repository is readable and not corrupt (git fsck)", e);
        }
    }

    /** Adds every line of from's notes that target lacks; with no inserter, only counts. */
    private static NotesSync.Counts union(NoteMap target, NoteMap from, ObjectReader reader, ObjectInserter inserter)
            throws IOException {
        int runs = 0;
        int commits = 0;
        for (Note note : from) {
            ObjectId mine = target.get(note);
            if (note.getData().equals(mine)) {
                continue;
            }
            byte[] ours = mine == null ? null : reader.open(mine, Constants.OBJ_BLOB).getCachedBytes(MAX_NOTE_BYTES);
            Union union = Union.of(ours, reader.open(note.getData(), Constants.OBJ_BLOB).getCachedBytes(MAX_NOTE_BYTES));
            if (union.runsAdded() == 0 && !union.changed()) {
                continue;
            }
            if (inserter != null) {
                target.set(note, inserter.insert(Constants.OBJ_BLOB, union.bytes()));
            }
            if (union.runsAdded() > 0) {
                runs += union.runsAdded();
                commits++;
            }
        }
        return new NotesSync.Counts(runs, commits);
    }

    /** The compare-and-swap loop every write goes through. */
    private <T> T update(String message, String what, Edit.Fn<T> fn) {
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            RefUpdate.Result result;
            Edit<T> edit;
            try (ObjectInserter inserter = repo.newObjectInserter(); ObjectReader reader = inserter.newReader();
                    RevWalk walk = new RevWalk(reader)) {
                Ref ref = repo.exactRef(REF);
                ObjectId tip = ref == null ? null : ref.getObjectId();
                NoteMap map = tip == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, walk.parseCommit(tip));
                edit = fn.apply(tip, map, reader, inserter);
                if (!edit.changed()) {
                    return edit.result();
                }
                ObjectId next = edit.moveTo() != null ? edit.moveTo() : commit(inserter, map.writeTree(inserter), tip, edit.otherParent(), message);
                inserter.flush();
                RefUpdate ru = repo.updateRef(REF);
                ru.setExpectedOldObjectId(tip == null ? ObjectId.zeroId() : tip);
                ru.setNewObjectId(next);
                ru.setRefLogMessage(message, false);
                result = ru.update(walk);
            } catch (IOException e) {
                throw new ExpError("Cannot " + what + " in " + REF + " of " + where() + ": " + e.getMessage(),
                        "check that the repository is writable (permissions, disk space) and not corrupt (git fsck)", e);
            }
            switch (result) {
                case NEW, FAST_FORWARD, NO_CHANGE -> {
                    return edit.result();
                }
                case LOCK_FAILURE, REJECTED -> backOff(attempt);
                default -> throw new ExpError("Cannot " + what + ": git refused to update " + REF + " in " + where() + " (" + result + ").",
                        "check that the repository is writable and not corrupt (git fsck)");
            }
        }
        throw new ExpError("Cannot " + what + ": " + REF + " in " + where() + " changed or stayed locked through " + TRIES
                + " attempts (other builds recording runs at the same time, or a lock left by a killed git).",
                "run it again; if no git or build is running, delete " + repo.getCommonDirectory().toPath().resolve(REF + ".lock"));
    }

    private static ObjectId commit(ObjectInserter inserter, ObjectId tree, ObjectId parent, ObjectId otherParent, String message,
            PersonIdent ident) throws IOException {
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        if (parent != null && otherParent != null) {
            commit.setParentIds(parent, otherParent);
        } else if (parent != null) {
            commit.setParentId(parent);
        }
        commit.setAuthor(ident);
        commit.setCommitter(ident);
        commit.setMessage(message + "\n");
        return inserter.insert(commit);
    }

    private ObjectId commit(ObjectInserter inserter, ObjectId tree, ObjectId parent, ObjectId otherParent, String message)
            throws IOException {
        return commit(inserter, tree, parent, otherParent, message, new PersonIdent(repo));
    }

    /** Exponential with full jitter: contending builds spread out instead of colliding again in step. */
    private static void backOff(int attempt) {
        long cap = Math.min(MAX_BACKOFF_MS, 10L << Math.min(attempt, 16));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpError("Interrupted while recording a run in " + REF + ".", "run the build again", e);
        }
    }

    private ObjectId commitId(String commit) {
        if (commit == null || !ObjectId.isId(commit)) {
            throw new ExpError("Cannot record a run on '" + commit + "': not a full commit id.", "pass the 40-hex id of the run's commit");
        }
        return ObjectId.fromString(commit);
    }

    private Path where() {
        return (repo.isBare() ? repo.getDirectory() : repo.getWorkTree()).toPath();
    }

    /** What one attempt of a write does with the tip it read. */
    private record Edit<T>(boolean changed, ObjectId moveTo, ObjectId otherParent, T result) {
        static <T> Edit<T> unchanged(T result) {
            return new Edit<>(false, null, null, result);
        }

        /** Commit the edited map on top of the tip. */
        static <T> Edit<T> commit(T result) {
            return new Edit<>(true, null, null, result);
        }

        /** Commit the edited map with the tip and otherParent as parents. */
        static <T> Edit<T> commit(T result, ObjectId otherParent) {
            return new Edit<>(true, null, otherParent, result);
        }

        /** Fast-forward to an existing commit; the edited map is dropped. */
        static <T> Edit<T> moveTo(ObjectId commit, T result) {
            return new Edit<>(true, commit, null, result);
        }

        interface Fn<T> {
            /** tip null: REF does not exist yet (map is empty). */
            Edit<T> apply(ObjectId tip, NoteMap map, ObjectReader reader, ObjectInserter inserter) throws IOException;
        }
    }

    /**
     * Our note text kept byte for byte, then the lines of theirs it lacks. A run line is the same run as
     * another when the runId is; a foreign line when the text is. Blank lines are not carried over.
     */
    private record Union(byte[] bytes, int runsAdded, boolean changed) {
        static Union of(byte[] ours, byte[] theirs) {
            Set<String> seen = new HashSet<>();
            String ourText = ours == null ? "" : new String(ours, UTF_8);
            for (String line : ourText.split("\n")) {
                String key = key(line);
                if (key != null) {
                    seen.add(key);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (ours != null) {
                out.writeBytes(ours);
                if (ours.length > 0 && ours[ours.length - 1] != '\n') {
                    out.write('\n');
                }
            }
            int runs = 0;
            boolean changed = false;
            for (String line : new String(theirs, UTF_8).split("\n")) {
                String key = key(line);
                if (key != null && seen.add(key)) {
                    out.writeBytes((line.strip() + "\n").getBytes(UTF_8));
                    changed = true;
                    if (key.startsWith("run ")) {
                        runs++;
                    }
                }
            }
            return new Union(out.toByteArray(), runs, changed);
        }

        private static String key(String line) {
            String text = line.strip();
            if (text.isEmpty()) {
                return null;
            }
            List<RunNote> run = NoteLines.parse(text);
            return run.isEmpty() ? "line " + text : "run " + run.get(0).runId();
        }
    }
}
