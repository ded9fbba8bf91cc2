package dev.exprun.executor;

import dev.exprun.container.ContainerRunner;
import dev.exprun.container.EngineConnection;
import dev.exprun.container.LeftoverSweeper;
import dev.exprun.container.LeftoverSweeper.Leftover;
import dev.exprun.container.ShutdownGuard;
import dev.exprun.core.ExpLog;
import dev.exprun.record.RunRecord.EngineInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
    public boolean schedulesGpus() {
        return false;
    }

    @Override
    public ExecutionOutcome execute(ExecutionRequest request, RunControl control) {
        // Registered before the container exists (a signal between create and start is covered too), and held
        // until the run's thread has written the record and the note: the hook waits for that.
        ShutdownGuard guard = new ShutdownGuard(engine.client(), control::onShutdown);
        control.bindClose(guard::close);
        control.bindStop(guard::stopNow);
        return ExecutionOutcome.of(new ContainerRunner(engine, log).run(request.spec(), request.rawLog(), request.sink(),
                request.timeout(), guard));
    }

    @Override
    public EngineInfo engineInfo() {
        return engine.info();
    }

    @Override
    public Optional<EngineInfo> engineInfoIfKnown() {
        return engine.infoIfKnown();
    }

    @Override
    public List<Leftover> sweepLeftovers(String projectCoordinates, Consumer<Leftover> beforeRemoval) {
        return new LeftoverSweeper(engine, log).sweep(projectCoordinates, beforeRemoval);
    }
}
