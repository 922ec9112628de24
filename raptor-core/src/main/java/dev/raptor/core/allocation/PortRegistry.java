package dev.raptor.core.allocation;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which server holds which host ports, per node. No two servers on one node may bind the same
 * ip:port/protocol, and a wildcard address ({@code 0.0.0.0}) overlaps every address of its family. A runtime on one
 * machine puts every server on one node (null); one on many machines (Swarm) names the node a server's ports are
 * published on ({@link dev.raptor.core.runtime.ContainerRuntime#portNode}), and servers on two nodes never collide.
 * Reads are lock-free; claims are serialised by a lock that guards memory only (no I/O).
 */
public final class PortRegistry {
    /** What one server holds, and on which node (null: the one machine). */
    private record Claim(String node, List<Allocation> allocations) {
    }

    private final Map<UUID, Claim> byServer = new ConcurrentHashMap<>();
    private final ReentrantLock claimLock = new ReentrantLock();

    /** {@link #claim(UUID, String, List)} on the one machine. */
    public void claim(UUID serverId, List<Allocation> allocations) {
        claim(serverId, null, allocations);
    }

    /**
     * Records that {@code serverId} holds {@code allocations} on {@code node}, replacing what it held before.
     *
     * @throws PortConflictException naming the other server when any allocation collides with one on the same node
     */
    public void claim(UUID serverId, String node, List<Allocation> allocations) {
        claimLock.lock();
        try {
            conflict(serverId, node, allocations).ifPresent(c -> {
                throw c;
            });
            byServer.put(serverId, new Claim(node, List.copyOf(allocations)));
        } finally {
            claimLock.unlock();
        }
    }

    /** {@link #conflict(UUID, String, List)} on the one machine. */
    public Optional<PortConflictException> conflict(UUID serverId, List<Allocation> allocations) {
        return conflict(serverId, null, allocations);
    }

    /** The first collision {@code allocations} on {@code node} would have with another server's there, if any. Claims nothing. */
    public Optional<PortConflictException> conflict(UUID serverId, String node, List<Allocation> allocations) {
        for (Allocation wanted : allocations) {
            for (Map.Entry<UUID, Claim> e : byServer.entrySet()) {
                if (e.getKey().equals(serverId) || !Objects.equals(e.getValue().node(), node)) {
                    continue;
                }
                for (Allocation held : e.getValue().allocations()) {
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
        Claim c = byServer.get(serverId);
        return c == null ? List.of() : c.allocations();
    }

    /** The node {@code serverId}'s ports were claimed on (null: the one machine, or nothing held). */
    public String nodeOf(UUID serverId) {
        Claim c = byServer.get(serverId);
        return c == null ? null : c.node();
    }
}
