package dev.raptor.core.node;

import java.util.Objects;

/**
 * One machine a runtime runs servers on, as the runtime reports it (facts only: which servers are on it is the
 * fleet's to join, by {@link dev.raptor.core.runtime.ContainerRuntime#portNode}).
 *
 * @param name        the node's name: its hostname as the cluster knows it (Swarm), or this machine's engine's name
 * @param state       whether it takes servers now
 * @param reason      why it is not ready, in words (null when ready)
 * @param address     the address servers on it are reached at, when the runtime knows it (null otherwise)
 * @param cpus        its CPUs, 0 when unknown (a node that does not answer)
 * @param memoryBytes its memory, 0 when unknown
 */
public record RuntimeNode(String name, NodeState state, String reason, String address, int cpus, long memoryBytes) {
    public RuntimeNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
