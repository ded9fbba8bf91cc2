package dev.exprun.container;

import com.github.dockerjava.api.model.PullResponseItem;
import dev.exprun.core.ExpLog;
import java.util.HashMap;
import java.util.Map;

/** Prints one line per layer state change ("Downloading", "Pull complete"), never the byte counters. */
final class PullProgress extends QuietCallback<PullResponseItem> {
    private final ExpLog log;
    private final Map<String, String> lastStatus = new HashMap<>();
    private volatile String failure;

    PullProgress(ExpLog log) {
        this.log = log;
    }

    @Override
    public void onNext(PullResponseItem item) {
        if (item.isErrorIndicated()) {
            failure = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                    ? item.getErrorDetail().getMessage() : item.getError();
            return;
        }
        String status = item.getStatus();
        if (status == null) {
            return;
        }
        String key = item.getId() == null ? "" : item.getId();
        synchronized (lastStatus) {
            if (status.equals(lastStatus.put(key, status))) {
                return;
            }
        }
        log.info("  " + (key.isEmpty() ? "" : key + ": ") + status);
    }

    /** The engine's own message when the pull failed: in an error item, else the stream's failure. */
    String failure() {
        if (failure != null) {
            return failure;
        }
        return error() == null ? null : EngineConnection.rootMessage(error());
    }
}
