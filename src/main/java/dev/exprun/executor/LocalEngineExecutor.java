package dev.exprun.executor;

import dev.exprun.container.ContainerOutcome;
import dev.exprun.container.ContainerRunner;
import dev.exprun.container.ContainerSpec;
import dev.exprun.container.EngineConnection;
import dev.exprun.container.LogLineSink;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.core.ExpLog;
import java.nio.file.Path;
import java.time.Duration;

/** Runs on the engine this build connected to (Docker or Podman, local or remote). */
public final class LocalEngineExecutor implements RunExecutor {
    private final EngineConnection engine;
    private final ExpLog log;

    public LocalEngineExecutor(EngineConnection engine, ExpLog log) {
        this.engine = engine;
        this.log = log;
    }

    @Override
    public String describe() {
        return "the engine at " + engine.host();
    }

    @Override
    public ContainerOutcome execute(ContainerSpec spec, Path rawLog, LogLineSink sink, Duration timeout, RunControl control) {
        // Registered before the container exists (a signal between create and start is covered too), and held
        // until the run's thread has written the record and the note: the hook waits for that.
        ShutdownGuard guard = new ShutdownGuard(engine.client(), control::onShutdown);
        control.bindClose(guard::close);
        control.bindStop(guard::stopNow);
        return new ContainerRunner(engine, log).run(spec, rawLog, sink, timeout, guard);
    }
}
