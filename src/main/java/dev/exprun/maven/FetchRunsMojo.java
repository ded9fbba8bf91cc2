package dev.exprun.maven;

import dev.exprun.core.ExpLog;
import dev.exprun.history.NotesSync;
import dev.exprun.history.RunSharing;
import javax.inject.Inject;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** Fetches the runs others recorded (the remote's refs/notes/exprun) and merges them into ours; no run is lost. */
@Mojo(name = "fetch-runs", threadSafe = true)
public class FetchRunsMojo extends AbstractSyncMojo {

    @Inject
    public FetchRunsMojo(SettingsDecrypter settingsDecrypter) {
        super(settingsDecrypter);
    }

    @Override
    protected String goal() {
        return "exp:fetch-runs";
    }

    @Override
    protected void executeGoal(ExpLog log) {
        NotesSync.Counts added = RunSharing.fetch(baseDir(), remote, credentials());
        log.info("Fetched runs from " + remote + ": " + added.runs() + " new run(s) on " + added.commits() + " commit(s)");
    }
}
