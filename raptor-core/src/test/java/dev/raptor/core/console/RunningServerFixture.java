package dev.raptor.core.console;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * What the hub tests watch: one server whose container runs on the in-memory engine, as its controller
 * would report it ({@link RunsDouble}), and the bus the controller would announce its runs on. A test
 * prints into the container with {@code engine.emit}. Subclasses close their hub in their own
 * {@code @AfterEach}, which runs before this one closes the bus and the engine.
 */
public abstract class RunningServerFixture {
    protected static final Duration HANG = Duration.ofSeconds(30);

    protected final UUID id = UUID.randomUUID();
    protected final FakeRuntime runtime = new FakeRuntime();
    protected final FakeEngine engine = runtime.engine();
    protected final RunsDouble runs = new RunsDouble();
    protected final EventBus bus = new EventBus();
    protected ContainerRef ref;
    protected Instant started;

    @BeforeEach
    void runningServer() {
        ref = engine.container(id);
        started = engine.start(id);
        runs.set(id, ServerState.RUNNING, ref, started);
    }

    @AfterEach
    void closeBusAndEngine() {
        bus.close();
        runtime.close();
    }

    /** Where a listener that a test holds up waits: until the test opens {@code gate} (none: it passes). */
    protected static void holdAt(CountDownLatch gate) {
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
