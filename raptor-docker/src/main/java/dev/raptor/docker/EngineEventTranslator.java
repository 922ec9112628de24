package dev.raptor.docker;

import com.github.dockerjava.api.model.Event;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeLabels;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns engine container events into {@link RuntimeEvent}s ({@code start}, {@code die}, {@code destroy}, and
 * {@code health_status: …} as the health check's verdicts). Stateful per subscription for one reason: the
 * engine reports an OOM kill as a separate {@code oom} event just before {@code die}, and the
 * {@code die} event itself does not say so.
 */
final class EngineEventTranslator {
    /** The actions the events subscription asks the engine for. */
    static final String[] ACTIONS = {"start", "die", "destroy", "oom", "health_status"};

    private final Set<String> oomKilled = ConcurrentHashMap.newKeySet();
    /** The events' stamps are the engine's clock; they are told in this machine's. */
    private final EngineClock clock;

    EngineEventTranslator(EngineClock clock) {
        this.clock = clock;
    }

    Optional<RuntimeEvent> translate(Event event) {
        if (event == null || event.getActor() == null || event.getAction() == null) {
            return Optional.empty();
        }
        Map<String, String> attributes = event.getActor().getAttributes() == null ? Map.of() : event.getActor().getAttributes();
        UUID serverId = serverId(attributes.get(RuntimeLabels.SERVER));
        String id = event.getActor().getId() != null ? event.getActor().getId() : event.getId();
        if (serverId == null || id == null) {
            return Optional.empty();
        }
        ContainerRef ref = new ContainerRef(id, attributes.get("name"), serverId);
        Instant at = clock.toLocal(timeOf(event));
        if (event.getAction().startsWith("health_status")) {
            // "health_status: healthy": the engine's health check reached a verdict
            int colon = event.getAction().indexOf(':');
            return Optional.of(new RuntimeEvent.HealthChanged(ref, at,
                    ContainerHealth.parse(colon < 0 ? null : event.getAction().substring(colon + 1))));
        }
        return switch (event.getAction()) {
            case "start" -> Optional.of(new RuntimeEvent.Started(ref, at));
            case "die" -> Optional.of(new RuntimeEvent.Exited(ref, at, exitCode(attributes.get("exitCode")), oomKilled.remove(id)));
            case "destroy" -> {
                oomKilled.remove(id);
                yield Optional.of(new RuntimeEvent.Removed(ref, at));
            }
            case "oom" -> {
                oomKilled.add(id);
                yield Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    /** The event's stamp in the engine's clock (now, on this machine's, if it has none: an engine far older than any supported). */
    Instant timeOf(Event event) {
        if (event.getTimeNano() != null && event.getTimeNano() > 0) {
            long nanos = event.getTimeNano();
            return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
        }
        if (event.getTime() != null && event.getTime() > 0) {
            return Instant.ofEpochSecond(event.getTime());
        }
        return clock.toEngine(clock.now());
    }

    private static UUID serverId(String label) {
        if (label == null) {
            return null;
        }
        try {
            return UUID.fromString(label.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int exitCode(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
