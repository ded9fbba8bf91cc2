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

    /** The exit code; null when the wait ended without one (a broken stream, the container removed). */
    Integer await() throws InterruptedException {
        awaitCompletion();
        return statusCode;
    }

    /** False when the time ran out first. */
    boolean await(long millis) throws InterruptedException {
        return awaitCompletion(millis, TimeUnit.MILLISECONDS);
    }

    Integer statusCode() {
        return statusCode;
    }
}
