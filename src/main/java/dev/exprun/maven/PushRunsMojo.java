package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.history.NotesSync;
import dev.exprun.history.RunSharing;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Shares our recorded runs: merges the remote's first, then pushes refs/notes/exprun (never forced). */
@Mojo(name = "push-runs", threadSafe = true)
public class PushRunsMojo extends AbstractSyncMojo {

    @Inject
    public PushRunsMojo(SettingsDecrypter settingsDecrypter) {
        super(settingsDecrypter);
    }

    @Override
    protected String goal() {
        return "exp:push-runs";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        NotesSync.Pushed pushed = RunSharing.push(baseDir(), remote, credentials());
        log.info("Pushed runs to " + remote + ": merged " + pushed.fetched().runs() + " of theirs first, then "
                + pushed.pushed().runs() + " of ours on " + pushed.pushed().commits() + " commit(s)");
    }
}
