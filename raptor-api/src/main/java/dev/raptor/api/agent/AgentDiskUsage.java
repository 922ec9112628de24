package dev.raptor.api.agent;

import dev.raptor.core.stats.DiskReading;
import dev.raptor.core.stats.DiskUsageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The disk usage of servers as the stats hub reads it ({@link DiskUsageSource}) on a manager with node agents: the
 * figure of a server on a worker is its agent's (the disk that holds its files, and the figure the agent enforces the
 * quota by), not this machine's figure of a directory that is not where the server writes. Asked of the agent in the
 * background and kept {@link #TTL}, so reading it never waits for a node, and a listing of many servers costs no call per
 * request; while the agent cannot be reached (its node is down) the last figure it gave stays, with the time it was
 * measured, so its age says how old it is. Servers whose files are here read the local tracker's figure.
 */
public final class AgentDiskUsage implements DiskUsageSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentDiskUsage.class);
    /** How long an agent's figure is used before it is asked again. */
    public static final Duration TTL = Duration.ofSeconds(30);

    /** Where a server's figure on its node comes from: empty when its files are here ({@link NodeAgentProxy#usage}). */
    @FunctionalInterface
    public interface Remote {
        Optional<DiskReading> usage(UUID serverId) throws IOException;
    }

    /** What was last learnt of a server: its files are here, or its agent's figure; when it was asked. */
    private record Known(boolean here, DiskReading reading, Instant askedAt) {
    }

    private final DiskUsageSource local;
    private final Remote remote;
    private final Duration ttl;
    private final Clock clock;
    private final Map<UUID, Known> known = new ConcurrentHashMap<>();
    private final Set<UUID> asking = ConcurrentHashMap.newKeySet();
    private final ExecutorService askers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raptor-agent-usage-", 0).factory());

    public AgentDiskUsage(DiskUsageSource local, Remote remote) {
        this(local, remote, TTL, Clock.systemUTC());
    }

    AgentDiskUsage(DiskUsageSource local, Remote remote, Duration ttl, Clock clock) {
        this.local = local;
        this.remote = remote;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * At once: the agent's last figure for a server on a worker, the local tracker's for one whose files are here, and
     * "being measured" (unknown, scanning) before its node was first asked. Asks in the background when what is known is
     * older than the TTL.
     */
    @Override
    public DiskReading reading(UUID serverId) {
        Known k = known.get(serverId);
        if (k == null || !clock.instant().isBefore(k.askedAt().plus(ttl))) {
            ask(serverId);
        }
        if (k == null) {
            return new DiskReading(OptionalLong.empty(), null, true, 0);
        }
        return k.here() ? local.reading(serverId) : k.reading();
    }

    @Override
    public void forget(UUID serverId) {
        known.remove(serverId);
        local.forget(serverId);
    }

    private void ask(UUID serverId) {
        if (!asking.add(serverId)) {
            return; // one question per server at a time
        }
        try {
            askers.execute(() -> {
                try {
                    refresh(serverId);
                } finally {
                    asking.remove(serverId);
                }
            });
        } catch (RejectedExecutionException closed) {
            asking.remove(serverId);
        }
    }

    /** Asks where the server's files are and, on a worker, its agent's figure. */
    void refresh(UUID serverId) {
        Instant now = clock.instant();
        try {
            Optional<DiskReading> there = remote.usage(serverId);
            known.put(serverId, there.map(r -> new Known(false, r, now)).orElseGet(() -> new Known(true, null, now)));
        } catch (IOException | RuntimeException e) {
            // its node is down (or cannot be told): the last figure stays, measured when it says; asked again after the TTL
            Known before = known.get(serverId);
            known.put(serverId, before == null ? new Known(false, DiskReading.UNKNOWN, now) : new Known(before.here(), before.reading(), now));
            log.atDebug().addKeyValue("server", serverId).log("disk usage not read from its node: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        askers.shutdownNow();
    }
}
