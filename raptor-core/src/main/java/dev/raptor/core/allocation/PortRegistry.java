package dev.raptor.core.allocation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which server holds which host ports on this node. No two servers may bind the same
 * ip:port/protocol, and a wildcard address ({@code 0.0.0.0}) overlaps every address of its family.
 * Reads are lock-free; claims are serialised by a lock that guards memory only (no I/O).
 */
public final class PortRegistry {
    private final Map<UUID, List<Allocation>> byServer = new ConcurrentHashMap<>();
    private final ReentrantLock claimLock = new ReentrantLock();

    /**
     * Records that {@code serverId} holds {@code allocations}, replacing what it held before.
     *
     * @throws PortConflictException naming the other server when any allocation collides
     */
    public void claim(UUID serverId, List<Allocation> allocations) {
        claimLock.lock();
        try {
            conflict(serverId, allocations).ifPresent(c -> {
                throw c;
            });
            byServer.put(serverId, List.copyOf(allocations));
        } finally {
            claimLock.unlock();
        }
    }

    /** The first collision {@code allocations} would have with another server's, if any. Claims nothing. */
    public Optional<PortConflictException> conflict(UUID serverId, List<Allocation> allocations) {
        for (Allocation wanted : allocations) {
            for (Map.Entry<UUID, List<Allocation>> e : byServer.entrySet()) {
                if (e.getKey().equals(serverId)) {
                    continue;
                }
                for (Allocation held : e.getValue()) {
                    if (wanted.collidesWith(held)) {
                        return Optional.of(new PortConflictException(serverId, wanted, e.getKey(), held));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Frees everything {@code serverId} held. */
    public void release(UUID serverId) {
        byServer.remove(serverId);
    }

    /** What {@code serverId} holds (empty if nothing). */
    public List<Allocation> held(UUID serverId) {
        return byServer.getOrDefault(serverId, List.of());
    }
}
