package dev.raptor.process;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.RuntimeEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The thread behind one {@code events} subscription. Processes are not the daemon's children after a
 * restart, so nothing pushes their exit to it: the watcher compares successive looks at every record
 * (one every poll interval) and turns the differences into events. The first look is taken when the
 * subscription is made, so every change after that is reported, including exits of servers a
 * previous daemon started.
 *
 * <ul>
 *   <li>a new {@code started} time: {@link RuntimeEvent.Started} (and {@link RuntimeEvent.Exited} when the run
 *       already ended between two looks)</li>
 *   <li>running, then exited: {@link RuntimeEvent.Exited} with the recorded status and its time</li>
 *   <li>a new verdict of the health check during one run: {@link RuntimeEvent.HealthChanged}</li>
 *   <li>a record gone, or replaced by another container id: {@link RuntimeEvent.Removed}</li>
 * </ul>
 */
final class EventWatcher implements ThreadSubscription.Body<RuntimeEvent> {
    private final Supplier<Map<UUID, ContainerInfo>> look;
    private final Duration poll;
    private Map<UUID, ContainerInfo> last;

    /** @param look one look at every record; taken now for the baseline */
    EventWatcher(Supplier<Map<UUID, ContainerInfo>> look, Duration poll) {
        this.look = look;
        this.poll = poll;
        this.last = look.get();
    }

    @Override
    public void run(ThreadSubscription<RuntimeEvent> out) {
        while (out.isOpen()) {
            Pause.millis(poll.toMillis());
            Map<UUID, ContainerInfo> now = look.get();
            for (RuntimeEvent e : differences(last, now)) {
                if (!out.emit(e)) {
                    return;
                }
            }
            last = now;
        }
    }

    static List<RuntimeEvent> differences(Map<UUID, ContainerInfo> before, Map<UUID, ContainerInfo> after) {
        List<RuntimeEvent> events = new ArrayList<>();
        Map<UUID, ContainerInfo> gone = new HashMap<>(before);
        for (ContainerInfo now : after.values()) {
            ContainerInfo prev = gone.remove(now.serverId());
            if (prev != null && !prev.ref().id().equals(now.ref().id())) {
                events.add(new RuntimeEvent.Removed(prev.ref(), Instant.now()));
                prev = null;
            }
            boolean newRun = now.startedAt() != null && (prev == null || !Objects.equals(prev.startedAt(), now.startedAt()));
            if (newRun) {
                events.add(new RuntimeEvent.Started(now.ref(), now.startedAt()));
            }
            if (!newRun && prev != null && now.running() && prev.running() && prev.health() != now.health()) {
                events.add(new RuntimeEvent.HealthChanged(now.ref(), Instant.now(), now.health()));
            }
            boolean ended = now.status() == ContainerStatus.EXITED && (newRun || prev != null && prev.status() != ContainerStatus.EXITED);
            if (ended) {
                Instant at = now.finishedAt() != null ? now.finishedAt() : Instant.now();
                events.add(new RuntimeEvent.Exited(now.ref(), at, now.exitCode() == null ? -1 : now.exitCode(), now.oomKilled()));
            }
        }
        for (ContainerInfo prev : gone.values()) {
            events.add(new RuntimeEvent.Removed(prev.ref(), Instant.now()));
        }
        return events;
    }
}
