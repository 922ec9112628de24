package dev.raptor.wire.node;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.UUID;

/**
 * {@code GET /nodes}: the machines this daemon runs servers on (one for the Docker and process runtimes, every node
 * of the swarm for Swarm), each with its state, resources, the host ports its servers publish there and its servers.
 *
 * @param nodes    by name
 * @param unplaced servers on no node yet (Swarm chooses a server's node when it is first started)
 */
public record NodeList(List<Node> nodes, List<Server> unplaced) {

    /**
     * One machine.
     *
     * @param state             {@code ready} (takes servers), {@code down} (does not answer: its servers read
     *                          {@code node-unavailable}) or {@code unavailable} (answers but takes no servers: drained,
     *                          paused, or no engine configured for it)
     * @param reason            why it is not ready (absent when it is)
     * @param address           the address the cluster knows it by (absent on one machine)
     * @param cpus              its CPUs (0 when it does not answer)
     * @param memoryBytes       its memory (0 when it does not answer)
     * @param memoryLimitsBytes the memory its servers' limits promise
     * @param memoryFreeBytes   memory not promised to its servers' limits: what placement compares (this machine's
     *                          free memory as the kernel counts it is in {@code GET /system})
     * @param ports             the host ports its servers publish there
     * @param servers           the servers on it
     * @param pendingRemovals   deleted servers whose files it still holds: it was down when they were deleted, and
     *                          they are removed once it answers (0 on one machine)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Node(String name, String state, String reason, String address, int cpus, long memoryBytes,
                       long memoryLimitsBytes, long memoryFreeBytes, List<Port> ports, List<Server> servers,
                       long pendingRemovals) {
    }

    /** A host port a server publishes on its node. */
    public record Port(String ip, int port, String protocol, UUID serverId) {
    }

    /** A server as a node lists it; {@code state} as in its server document. */
    public record Server(UUID id, String name, String state) {
    }
}
