package dev.raptor.metrics;

import dev.raptor.core.event.ServerEvent;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.PowerActionFinished;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Node-wide series: servers by observed and desired state, servers in a crash loop, and power actions
 * by action and outcome with their latency ({@code raptor_power_action_seconds}, from the request to
 * the answer, heard as {@link PowerActionFinished} on the event bus), and game updates by outcome.
 */
public final class NodeMetrics implements AutoCloseable {
    static final String POWER = "raptor.power.action";
    static final String UPDATES = "raptor.updates";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> power = new ConcurrentHashMap<>();
    private final EventBus.Listener<PowerActionFinished> events;
    private final EventBus.Listener<ServerEvent.UpdateChanged> updates;

    public NodeMetrics(MeterRegistry registry, ServerFleet fleet, EventBus bus) {
        this.registry = registry;
        for (ServerState s : ServerState.values()) {
            Gauge.builder("raptor.servers", fleet, f -> f.list().stream().filter(x -> x.state() == s).count())
                    .description("Servers on this node by observed state").tag("state", s.wireName()).register(registry);
        }
        for (DesiredState d : DesiredState.values()) {
            Gauge.builder("raptor.servers.desired", fleet, f -> f.list().stream().filter(x -> x.live().desired() == d).count())
                    .description("Servers on this node by desired state").tag("desired", d.wireName()).register(registry);
        }
        Gauge.builder("raptor.servers.crash.looping", fleet, f -> f.list().stream().filter(x -> x.live().crashLoop()).count())
                .description("Servers Raptor stopped restarting after too many crashes").register(registry);
        this.events = bus.subscribe(PowerActionFinished.class, this::record);
        this.updates = bus.subscribe(ServerEvent.UpdateChanged.class, this::record);
    }

    /** Game updates by how they ended ({@code raptor_updates_total{outcome="succeeded|failed|rolled-back"}}). */
    private void record(ServerEvent.UpdateChanged e) {
        if (e.update().finishedAt() != null) {
            registry.counter(UPDATES, "outcome", e.update().outcome().wireName()).increment();
        }
    }

    private void record(PowerActionFinished e) {
        power.computeIfAbsent(e.action() + "/" + e.outcome(), k -> Timer.builder(POWER)
                        .description("Requested power actions by action and outcome, from the request to the answer")
                        .tags("action", e.action(), "outcome", e.outcome())
                        .serviceLevelObjectives(Buckets.POWER)
                        .register(registry))
                .record(e.took());
    }

    @Override
    public void close() {
        events.close();
        updates.close();
    }
}
