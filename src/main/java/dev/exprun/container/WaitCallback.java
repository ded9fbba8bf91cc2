package dev.exprun.container;

import com.github.dockerjava.api.model.WaitResponse;
import java.util.concurrent.TimeUnit;

/** The engine's answer to "wait for the container to exit": its exit code, or why the wait broke. */
final class WaitCallback extends QuietCallback<WaitResponse> {
    private volatile Integer statusCode;

    @Override
    public void onNext(WaitResponse response) {
        if (response != null && response.getStatusCode() != null) {
            statusCode = response.getStatusCode();
        }
    }

    /** Until the wait ends; false when the time ran out first (millis null: no limit). */
    boolean await(Long millis) throws InterruptedException {
        if (millis == null) {
            awaitCompletion();
            return true;
        }
        return awaitCompletion(Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    Integer statusCode() {
        return statusCode;
    }
}
