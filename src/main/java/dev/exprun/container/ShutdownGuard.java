package dev.exprun.container;

import com.github.dockerjava.api.DockerClient;
import dev.exprun.core.ShutdownHooks;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C or SIGTERM of the build: stops and removes the run's container, then gives the build thread
 * a moment to write the record as {@code interrupted}; if it cannot, writes a record itself. The hook
 * is registered before the container is created so a signal between create and start is covered too.
 */
public final class ShutdownGuard implements AutoCloseable {
    private static final long STOP_GRACE_SECONDS = 5;
    private static final long FINISH_WAIT_SECONDS = 20;

    private final DockerClient client;
    private final Runnable fallbackRecord;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile String containerId;

    public ShutdownGuard(DockerClient client, Runnable fallbackRecord) {
        this.client = client;
        this.fallbackRecord = fallbackRecord;
        this.hook = ShutdownHooks.register(this::onShutdown, "exprun-shutdown");
        if (hook == null) {
            interrupted.set(true); // the build is already shutting down (a sweep's trial starting as Ctrl-C came): it must not run
        }
    }

    /** Stops the container now, from another thread: the run ends as interrupted (a sweep's fail-fast or its Ctrl-C). */
    public void stopNow() {
        interrupted.set(true);
        String id = containerId;
        if (id != null) {
            ContainerRunner.stopQuietly(client, id, STOP_GRACE_SECONDS);
        }
    }

    void containerCreated(String id) {
        this.containerId = id;
        if (interrupted.get()) {
            ContainerRunner.stopQuietly(client, id, STOP_GRACE_SECONDS); // stopped while it was being created
        }
    }

    public boolean interrupted() {
        return interrupted.get();
    }

    private void onShutdown() {
        interrupted.set(true);
        String id = containerId;
        if (id != null) {
            ContainerRunner.stopQuietly(client, id, STOP_GRACE_SECONDS);
        }
        boolean buildFinished = false;
        try {
            buildFinished = finished.await(FINISH_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!buildFinished) {
                fallbackRecord.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fallbackRecord.run();
        } finally {
            String created = containerId; // it may have been created while we waited
            // A finished build thread removed it already; and Maven may have closed the plugin's class realm since, so that
            // docker-java classes not loaded yet can no longer be (NoClassDefFoundError at the end of a Ctrl-C'd exp:notebook).
            if (created != null && !buildFinished) {
                ContainerRunner.removeQuietly(client, created);
            }
        }
    }

    /** The build thread is done with the run (record written, container removed). */
    @Override
    public void close() {
        finished.countDown();
        ShutdownHooks.remove(hook); // (during shutdown the hook runs and sees 'finished')
    }
}
