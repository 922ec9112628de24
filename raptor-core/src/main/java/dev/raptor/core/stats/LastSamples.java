package dev.raptor.core.stats;

import dev.raptor.core.runtime.StatsSample;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's latest reading of each server's current run, kept when the stream that brought it closes: what
 * a reading that should not wait answers at once (a one-shot stats request, a console's {@code send stats}),
 * and what a new watch of the same run starts from, so that nobody is shown an all-zero placeholder while a
 * real reading exists. A reading belongs to one run (container and start): a new run starts without one.
 * Memory operations only.
 */
final class LastSamples {
    private final Map<UUID, Known> byServer = new ConcurrentHashMap<>();
    private final Duration maxAge;

    /** A reading of the run of {@code containerId} that started at {@code startedAt}, taken (received) at {@code at}. */
    private record Known(String containerId, Instant startedAt, StatsSample sample, long at) {
    }

    /** @param maxAge how old a reading may be and still be answered (older ones are not the server's state any more) */
    LastSamples(Duration maxAge) {
        this.maxAge = maxAge;
    }

    void remember(UUID serverId, String containerId, Instant startedAt, StatsSample sample) {
        byServer.put(serverId, new Known(containerId, startedAt, sample, System.nanoTime()));
    }

    /** The latest reading of this run, if one arrived within {@code maxAge}. */
    Optional<StatsSample> of(UUID serverId, String containerId, Instant startedAt) {
        Known k = byServer.get(serverId);
        if (k == null || !k.containerId().equals(containerId) || !Objects.equals(k.startedAt(), startedAt)
                || System.nanoTime() - k.at() > maxAge.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(k.sample());
    }

    void forget(UUID serverId) {
        byServer.remove(serverId);
    }
}
