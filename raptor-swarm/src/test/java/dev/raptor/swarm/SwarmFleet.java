package dev.raptor.swarm;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.testing.FleetTeardown;
import dev.raptor.store.SqliteStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A booted fleet on the real test swarm, as the node-outage and transfer tests need it: a SQLite store and volumes in
 * {@code dir}, quick restart backoff, observation every 2 s, and every event it publishes kept in {@link #events}. Closing
 * deletes every server it still holds (waiting for each) before the fleet, the runtime and the store close.
 */
final class SwarmFleet implements AutoCloseable {
    final SwarmRuntime runtime;
    final SqliteStore store;
    final EventBus bus = new EventBus();
    final ServerFleet fleet;
    final List<ServerEvent> events = new CopyOnWriteArrayList<>();
    private final Duration hang;

    /** Boots a fleet over {@code runtime} (which it closes when closed), waiting at most {@code hang} for each delete. */
    SwarmFleet(SwarmRuntime runtime, Path dir, Duration hang) {
        this.runtime = runtime;
        this.hang = hang;
        this.store = SqliteStore.open(dir.resolve("state"));
        bus.subscribe(ServerEvent.class, events::add);
        this.fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(dir.resolve("volumes"))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withObserveEvery(Duration.ofSeconds(2)));
        fleet.boot();
    }

    @Override
    public void close() throws Exception {
        FleetTeardown.deleteAll(fleet, hang);
        fleet.close();
        bus.close();
        runtime.close();
        store.close();
    }
}
