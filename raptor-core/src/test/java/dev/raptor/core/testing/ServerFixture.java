package dev.raptor.core.testing;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A fleet over one runtime and one store, for the contracts that, like {@link LifecycleContract}, every runtime
 * passes unchanged ({@link ExecContract}, {@link HealthContract}): it boots the fleet, makes servers with unique
 * names, and deletes (killing) every server it holds when closed, whatever the test did.
 */
public final class ServerFixture implements AutoCloseable {
    public static final Duration HANG = Duration.ofSeconds(90);

    public final ContainerRuntime runtime;
    public final ServerStore store;
    public final EventBus bus = new EventBus();
    public final ServerFleet fleet;

    public ServerFixture(ContainerRuntime runtime, ServerStore store, ControllerSettings settings) {
        this.runtime = runtime;
        this.store = store;
        this.fleet = new ServerFleet(store, runtime, bus, settings);
        fleet.boot();
    }

    public UUID create(ServerSpec.Builder spec) {
        return fleet.create(spec.name("contract-" + ThreadLocalRandom.current().nextInt(1_000_000)).build()).id();
    }

    public PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts the server and fails unless it came up. */
    public UUID started(ServerSpec.Builder spec) throws Exception {
        UUID id = create(spec);
        PowerResult r = power(id, PowerAction.START);
        if (!(r instanceof PowerResult.Done)) {
            throw new AssertionError("the server did not start: " + r);
        }
        return id;
    }

    public List<ActivityEntry> activity(UUID id) {
        return store.activity(id, Long.MAX_VALUE, 1000);
    }

    @Override
    public void close() throws Exception {
        FleetTeardown.deleteAll(fleet, HANG);
        fleet.close();
        bus.close();
        runtime.close();
        if (store instanceof AutoCloseable c) {
            c.close();
        }
    }
}
