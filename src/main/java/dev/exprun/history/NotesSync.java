package dev.exprun.history;

import dev.exprun.core.ExpError;
import dev.exprun.core.ExternalProgram;
import dev.exprun.core.RemoteGit;
import dev.exprun.git.RemoteUrl;
import dev.exprun.tagging.GitCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;

/**
 * Shares the run history with a remote: fetch merges the remote's notes into ours, push sends ours
 * after merging theirs first, so that a push is always a fast-forward and never needs force.
 *
 * <p>Why not {@code git fetch origin refs/notes/exprun:refs/notes/exprun}: when both sides recorded runs
 * since they last met, that fetch is refused as a non-fast-forward, and with {@code +} it replaces the
 * local runs with the remote's. Fetching into a ref of its own and merging, as here and as
 * {@link #refspecHelp()} tells plain git users, keeps both.
 *
 * <p>The remote is reached through the git program, exactly as the user's git reaches it (ssh agent,
 * credential helpers); a settings.xml login goes through {@link RemoteGit}'s one-off helper.
 */
public final class NotesSync {
    /** Where a remote's notes are fetched to before they are merged; never written by anything else. */
    public static final String REMOTES_PREFIX = "refs/notes/exprun-remotes/";

    private static final int PUSH_TRIES = 5;
    private static final Pattern REMOTE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    /** Runs added and commits whose notes gained runs. */
    public record Counts(int runs, int commits) {
        public static final Counts NONE = new Counts(0, 0);
    }

    /** A push: what was fetched and merged locally first, and what the remote gained (NONE: it was up to date). */
    public record Pushed(Counts fetched, Counts pushed) {
    }

    private final Repository repo;
    private final String remote;
    private final RemoteGit git;
    private final RunNotes notes;

    public NotesSync(Repository repo, String remote, GitCredentials credentialsOrNull) {
        this.repo = Objects.requireNonNull(repo, "repo");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.notes = new RunNotes(repo);
        this.git = new RemoteGit((repo.isBare() ? repo.getDirectory() : repo.getWorkTree()).toPath(),
                credentialsOrNull == null ? null : credentialsOrNull.username(),
                credentialsOrNull == null ? null : credentialsOrNull.password(), RemoteUrl::redact);
    }

    /** The local ref the remote's notes are fetched into. */
    public String trackingRef() {
        // A remote given as a URL is no valid ref name component: it is named by a hash of the URL.
        String name = REMOTE_NAME.matcher(remote).matches() && !remote.endsWith(".lock") ? remote
                : "url-" + HexFormat.of().formatHex(Constants.newMessageDigest().digest(remote.getBytes(StandardCharsets.UTF_8)), 0, 8);
        return REMOTES_PREFIX + name;
    }

    /** Fetches the remote's runs and merges them into {@link RunNotes#REF}; a remote without runs is nothing to fetch. */
    public Counts fetch() {
        ObjectId theirs = fetchTip();
        return theirs == null ? Counts.NONE : notes.merge(theirs, git.redact(remote));
    }

    /** Fetch and merge, then push; when the remote moved in between, again (a few times). Never forces. */
    public Pushed push() {
        ObjectId before = localTip();
        boolean merged = false;
        for (int attempt = 1; attempt <= PUSH_TRIES; attempt++) {
            ObjectId theirs = fetchTip();
            if (theirs != null) {
                merged |= !notes.merge(theirs, git.redact(remote)).equals(Counts.NONE);
            }
            ObjectId ours = localTip();
            // Counted once over all attempts, so that a commit merged into twice is one commit touched.
            Counts fetched = merged ? notes.missingFrom(ours, before) : Counts.NONE;
            if (ours == null || ours.equals(theirs)) {
                return new Pushed(fetched, Counts.NONE);
            }
            Counts sending = notes.missingFrom(ours, theirs);
            ExternalProgram.Result r = git.run("push", "--porcelain", remote, RunNotes.REF + ":" + RunNotes.REF);
            String status = pushStatus(r.outText());
            if (r.exit() == 0 && status != null && !status.startsWith("!")) {
                remember(ours);
                return new Pushed(fetched, status.startsWith("=") ? Counts.NONE : sending);
            }
            String detail = git.redact(((status == null ? "" : status) + "\n" + r.err()).strip());
            if (!remoteMovedFrom(theirs)) {
                throw new ExpError("Cannot push the runs (" + RunNotes.REF + ") to " + describeRemote() + ": "
                        + (detail.isEmpty() ? "git push exited " + r.exit() : detail),
                        "check the network, the credentials and that the remote accepts " + RunNotes.REF
                                + "; by hand: " + manualPush());
            }
        }
        throw new ExpError("Cannot push the runs (" + RunNotes.REF + ") to " + describeRemote() + ": it changed again each of "
                + PUSH_TRIES + " times between fetch and push (others are pushing runs right now).",
                "run it again in a moment; by hand: " + manualFetch() + " && " + manualPush());
    }

    /**
     * The refspecs for people who prefer plain git. Fetching straight into refs/notes/exprun is not
     * safe once both sides have runs (refused, or with + the local runs are dropped); fetching beside
     * it and merging with cat_sort_uniq gives the union of the lines, which is what exp:fetch-runs does.
     */
    public static String refspecHelp() {
        return String.join("\n",
                "Runs are git notes on " + RunNotes.REF + ", one JSON line per run. exp:fetch-runs merges the remote's into yours;",
                "with plain git, fetch the remote's notes beside yours, merge them line by line, then push:",
                "  git fetch origin " + RunNotes.REF + ":" + REMOTES_PREFIX + "origin",
                "  git notes --ref=exprun merge -s cat_sort_uniq " + REMOTES_PREFIX + "origin",
                "  git push origin " + RunNotes.REF + ":" + RunNotes.REF,
                "Do not fetch with 'git fetch origin " + RunNotes.REF + ":" + RunNotes.REF + "': once both sides have runs it is",
                "refused as a non-fast-forward, and with a leading + it replaces your runs with the remote's.",
                "To see the runs in git log: git log --notes=exprun (or git config --add notes.displayRef " + RunNotes.REF + ").");
    }

    /** The remote's notes commit after fetching it into trackingRef; null when the remote has no runs. */
    private ObjectId fetchTip() {
        String tracking = trackingRef();
        ExternalProgram.Result r = git.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote,
                "+" + RunNotes.REF + ":" + tracking);
        if (r.exit() != 0) {
            // A missing ref and an unreachable remote both fail the fetch; ls-remote tells them apart in any locale.
            ExternalProgram.Result ls = git.run("ls-remote", "--refs", remote, RunNotes.REF);
            if (ls.exit() == 0 && ls.outText().isBlank()) {
                return null;
            }
            throw new ExpError("Cannot fetch the runs (" + RunNotes.REF + ") from " + describeRemote() + ": "
                    + git.redact(r.err().strip()),
                    "check the network and the credentials (<gitServerId>, or git's own credential helper / ssh key); by hand: "
                            + manualFetch());
        }
        return exactRef(tracking);
    }

    /** The tracking ref follows what the remote now holds, as git's remote-tracking branches do after a push. */
    private void remember(ObjectId pushed) {
        try {
            RefUpdate update = repo.updateRef(trackingRef());
            update.setNewObjectId(pushed);
            update.setForceUpdate(true);
            update.setRefLogMessage("exprun: pushed to " + git.redact(remote), false);
            update.update();
        } catch (IOException e) {
            // The runs are pushed; a stale tracking ref only means the next fetch transfers them back.
        }
    }

    /** A rejected push is retried only when the remote holds something else than what was merged. */
    private boolean remoteMovedFrom(ObjectId merged) {
        ExternalProgram.Result ls = git.run("ls-remote", "--refs", remote, RunNotes.REF);
        if (ls.exit() != 0) {
            return false;
        }
        String[] fields = ls.outText().strip().split("\\s+");
        String now = fields.length >= 2 ? fields[0] : null;
        return !Objects.equals(now, merged == null ? null : merged.name());
    }

    /** The porcelain line for our ref: flag, refspec, summary. */
    private static String pushStatus(String porcelain) {
        for (String line : porcelain.split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length >= 3 && parts[1].equals(RunNotes.REF + ":" + RunNotes.REF)) {
                return parts[0] + " " + parts[2];
            }
        }
        return null;
    }

    private ObjectId localTip() {
        return exactRef(RunNotes.REF);
    }

    private ObjectId exactRef(String name) {
        try {
            Ref ref = repo.exactRef(name);
            return ref == null ? null : ref.getObjectId();
        } catch (IOException e) {
            throw new ExpError("Cannot read " + name + " in " + repo.getDirectory() + ": " + e.getMessage(),
                    "check that the repository is readable and not corrupt (git fsck)", e);
        }
    }

    private String describeRemote() {
        String url = repo.getConfig().getString("remote", remote, "url");
        return url == null ? git.redact(remote) : remote + " (" + git.redact(url) + ")";
    }

    private String manualFetch() {
        String name = git.redact(remote);
        return "git fetch " + name + " " + RunNotes.REF + ":" + trackingRef() + " && git notes --ref=exprun merge -s cat_sort_uniq "
                + trackingRef();
    }

    private String manualPush() {
        return "git push " + git.redact(remote) + " " + RunNotes.REF + ":" + RunNotes.REF;
    }
}
