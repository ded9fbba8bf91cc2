package dev.exprun.sweep;

import dev.exprun.executor.RunControl;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stopping a sweep early (fail-fast, or the build interrupted): no new trial starts, running trials are
 * stopped through their controls, and trials waiting for a GPU lease stop waiting.
 */
final class SweepStop {
    /** A lease wait that can be given up: the waiting thread is interrupted. */
    interface LeaseWait<T> {
        T await() throws InterruptedException;
    }

    private final Map<Integer, RunControl> running = new ConcurrentHashMap<>();
    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private volatile String reason;

    void stopAll(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        running.values().forEach(c -> c.stop(why));
        waiting.forEach(Thread::interrupt);
    }

    boolean stopping() {
        return reason != null;
    }

    String reason() {
        return reason;
    }

    /** A trial's run started; a stop that came first stops it at once. */
    void running(int trial, RunControl control) {
        running.put(trial, control);
        String why = reason;
        if (why != null) {
            control.stop(why);
        }
    }

    void ended(int trial) {
        running.remove(trial);
    }

    <T> T whileWaiting(LeaseWait<T> wait) throws InterruptedException {
        Thread self = Thread.currentThread();
        waiting.add(self);
        try {
            if (stopping()) {
                throw new InterruptedException(reason);
            }
            return wait.await();
        } finally {
            waiting.remove(self);
            Thread.interrupted(); // an interrupt that came as the wait ended must not hit the run that follows
        }
    }
}
