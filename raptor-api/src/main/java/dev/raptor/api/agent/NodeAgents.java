package dev.raptor.api.agent;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The node agents a manager reaches servers' files through ({@code RAPTOR_SWARM_AGENTS}): for each node hostname the
 * address of the {@code raptord agent} that serves the volumes on that node, and the key they share. A node without
 * an agent keeps its servers' files on this machine's disk (the manager's own node, or a disk both share).
 *
 * @param addresses hostname to the agent's base URI ({@code https://10.0.0.12:7090}, or {@code http://} on a private
 *                  network)
 * @param key       the node-to-agent credential, sent as a bearer token (null when there are no agents)
 * @param ca        the PEM file of the CA the certificates of {@code https://} agents must chain to
 *                  ({@code RAPTOR_SWARM_AGENT_CA}); null: the JVM's trusted CAs ({@link AgentTrust})
 */
public record NodeAgents(Map<String, URI> addresses, String key, Path ca) {
    public static final NodeAgents NONE = new NodeAgents(Map.of(), null, null);

    /** Agents trusted by the JVM's CAs when they speak HTTPS. */
    public NodeAgents(Map<String, URI> addresses, String key) {
        this(addresses, key, null);
    }

    public NodeAgents {
        addresses = Map.copyOf(addresses);
        if (!addresses.isEmpty() && (key == null || key.isBlank())) {
            throw new IllegalArgumentException("node agents need the key they share with this daemon (RAPTOR_AGENT_KEY)");
        }
    }

    /** The agent of {@code node}, or null when its servers' files are on this machine. */
    public URI of(String node) {
        return node == null ? null : addresses.get(node);
    }

    public boolean isEmpty() {
        return addresses.isEmpty();
    }

    /**
     * Parses {@code hostname=https://host:port,...} ({@code http://} too).
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Map<String, URI> parse(String value) {
        Map<String, URI> out = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String pair : value.split(",")) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("'" + p + "' is not hostname=https://address:port (or http://)");
            }
            URI uri;
            try {
                uri = URI.create(p.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getPort() < 1 || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                throw new IllegalArgumentException("'" + p + "': an agent's address is https://address:port or http://address:port (no path)");
            }
            out.put(p.substring(0, eq).strip(), uri);
        }
        return out;
    }

    @Override
    public String toString() {
        return "NodeAgents" + addresses; // never the key
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeAgents n && n.addresses.equals(addresses) && Objects.equals(n.key, key) && Objects.equals(n.ca, ca);
    }

    @Override
    public int hashCode() {
        return addresses.hashCode();
    }
}
