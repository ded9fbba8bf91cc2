package dev.exprun.container;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.IOException;

/**
 * A docker-java stream callback that keeps a stream's failure for the caller instead of logging it.
 * docker-java's own callbacks log every failure at ERROR with a whole stack trace ("Error during
 * callback") before the build can say what went wrong; we report it once, in our own words.
 */
abstract class QuietCallback<T> extends ResultCallback.Adapter<T> {
    private volatile Throwable error;

    @Override
    public void onError(Throwable throwable) {
        if (error == null) {
            error = throwable;
        }
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // Closing a stream that already failed.
        }
    }

    /** Why the stream failed; null while it has not. */
    Throwable error() {
        return error;
    }
}
