package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Which node a new server goes to, chosen once at create: game servers keep their world in their volume, so the
 * node stays theirs until an explicit move. This is also the per-node port registry: a node is eligible only when
 * none of the server's published ports is published by a server already pinned there (ports are per node under
 * Swarm's host-mode publishing, so two servers may share a port number on two nodes).
 *
 * <ol>
 *   <li>The spec's {@code node} (or, as before it had one, its label {@value #PIN_LABEL}) names the node
 *       explicitly; it must be a ready, active node with a configured engine and the ports free there.</li>
 *   <li>Else the node the server was on before (a recreate after a spec change stays where its files are); when
 *       that node is not ready, the create fails: it is never made on another node without its files.</li>
 *   <li>Else the eligible node with the most free memory: the node's memory less the memory limits of the servers
 *       pinned to it; ties go to the node with fewer servers, then by name.</li>
 * </ol>
 */
final class NodePlacement {
    /**
     * A spec label naming the node a server must run on (its hostname as {@code docker node ls} shows it): what specs
     * said before they had a {@code node}, still honoured when the spec names no node.
     */
    static final String PIN_LABEL = "raptor.swarm.node";

    /** The node {@code spec} names: its {@code node}, else its {@value #PIN_LABEL} label; null when neither. */
    static String named(ServerSpec spec) {
        return spec.node() != null ? spec.node() : spec.labels().get(PIN_LABEL);
    }

    /** The spec's field that names its node, for problems: {@code node} or {@code labels.raptor.swarm.node}. */
    static String namedBy(ServerSpec spec) {
        return spec.node() != null ? "node" : "labels." + PIN_LABEL;
    }

    /** A node as the manager describes it; {@code usable} = ready, active and with a configured engine. */
    record Node(String hostname, boolean usable, long memoryBytes) {
    }

    /** A server already pinned to a node: its memory limit and its published ports ({@code 25565/tcp}). */
    record Pinned(UUID serverId, String hostname, long memoryBytes, Set<String> ports) {
    }

    private NodePlacement() {
    }

    static String choose(ServerSpec spec, List<Node> nodes, List<Pinned> pinned, String previous) {
        Set<String> wanted = spec.allocations().stream().map(NodePlacement::port).collect(Collectors.toSet());
        List<Pinned> others = pinned.stream().filter(p -> !p.serverId().equals(spec.id())).toList();
        String explicit = named(spec);
        if (explicit != null) {
            Node node = nodes.stream().filter(n -> n.hostname().equals(explicit)).findFirst().orElse(null);
            if (node == null || !node.usable()) {
                throw new EngineException.Rejected(spec.id(), "create", namedBy(spec) + " names node '" + explicit
                        + "', which is not a ready, active node with a configured engine (usable: " + usable(nodes) + ")", null);
            }
            requirePortsFree(spec, explicit, wanted, others);
            return explicit;
        }
        if (previous != null) {
            // its files are there: a recreate never moves it, and waits for that node when it is away
            if (nodes.stream().noneMatch(n -> n.usable() && n.hostname().equals(previous))) {
                throw new EngineException.Unavailable(spec.id(), "create", "its node " + previous
                        + " (where its files are) is not ready; it is never moved to another node without them", null);
            }
            requirePortsFree(spec, previous, wanted, others);
            return previous;
        }
        List<Node> eligible = nodes.stream().filter(Node::usable)
                .filter(n -> taken(n.hostname(), wanted, others).isEmpty())
                .toList();
        if (eligible.isEmpty()) {
            if (usable(nodes).isEmpty()) {
                throw new EngineException.Unavailable(spec.id(), "create", "no node of the swarm is ready, active and has a configured engine", null);
            }
            throw new EngineException.Conflict(spec.id(), "create", "ports " + wanted + " are taken on every usable node (" + usable(nodes) + ")", null);
        }
        return eligible.stream()
                .min(Comparator.<Node>comparingLong(n -> -free(n, others))
                        .thenComparingLong(n -> others.stream().filter(p -> p.hostname().equals(n.hostname())).count())
                        .thenComparing(Node::hostname))
                .orElseThrow()
                .hostname();
    }

    private static void requirePortsFree(ServerSpec spec, String hostname, Set<String> wanted, List<Pinned> others) {
        Set<String> taken = taken(hostname, wanted, others);
        if (!taken.isEmpty()) {
            throw new EngineException.Conflict(spec.id(), "create", "ports " + taken + " are published on node " + hostname
                    + " by another server", null);
        }
    }

    private static Set<String> taken(String hostname, Set<String> wanted, List<Pinned> others) {
        return others.stream()
                .filter(p -> p.hostname().equals(hostname))
                .flatMap(p -> p.ports().stream())
                .filter(wanted::contains)
                .collect(Collectors.toSet());
    }

    private static long free(Node node, List<Pinned> others) {
        return node.memoryBytes() - others.stream().filter(p -> Objects.equals(p.hostname(), node.hostname()))
                .mapToLong(Pinned::memoryBytes).sum();
    }

    private static List<String> usable(List<Node> nodes) {
        return nodes.stream().filter(Node::usable).map(Node::hostname).sorted().toList();
    }

    static String port(Allocation a) {
        return a.port() + "/" + a.protocol().name().toLowerCase(java.util.Locale.ROOT);
    }
}
