package dev.raptor.api.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param restoreOutcomeWait how long the manager asks an agent what became of a restore whose answer broke before it
 *                  records the outcome as unknown ({@code RAPTOR_SWARM_AGENT_RESTORE_OUTCOME_SECONDS}, default
 *                  {@link #RESTORE_OUTCOME_WAIT}); from 1 s to {@link #MAX_RESTORE_OUTCOME_WAIT}
 */
public record NodeAgents(Map<String, URI> addresses, String key, Path ca, Duration restoreOutcomeWait) {
    /** Long enough for an agent whose link broke for a moment to answer again, short enough for the operation to end. */
    public static final Duration RESTORE_OUTCOME_WAIT = Duration.ofMinutes(2);
    /** The longest a restore's operation may stay open after its answer broke. */
    public static final Duration MAX_RESTORE_OUTCOME_WAIT = Duration.ofHours(1);
    public static final NodeAgents NONE = new NodeAgents(Map.of(), null, null);

    /** Agents trusted by the JVM's CAs when they speak HTTPS. */
    public NodeAgents(Map<String, URI> addresses, String key) {
        this(addresses, key, null);
    }

    /** Agents whose restores' outcomes are asked for {@link #RESTORE_OUTCOME_WAIT} after a broken answer. */
    public NodeAgents(Map<String, URI> addresses, String key, Path ca) {
        this(addresses, key, ca, RESTORE_OUTCOME_WAIT);
    }

    public NodeAgents {
        addresses = Map.copyOf(addresses);
        if (!addresses.isEmpty() && (key == null || key.isBlank())) {
            throw new IllegalArgumentException("node agents need the key they share with this daemon (RAPTOR_AGENT_KEY)");
        }
        if (restoreOutcomeWait == null || restoreOutcomeWait.compareTo(Duration.ofSeconds(1)) < 0
                || restoreOutcomeWait.compareTo(MAX_RESTORE_OUTCOME_WAIT) > 0) {
            throw new IllegalArgumentException("the wait for a restore's outcome must be from 1 to "
                    + MAX_RESTORE_OUTCOME_WAIT.toSeconds() + " s (was " + restoreOutcomeWait + ")");
        }
    }

    /** These agents, asked for a broken restore's outcome for {@code wait} instead. */
    public NodeAgents withRestoreOutcomeWait(Duration wait) {
        return new NodeAgents(addresses, key, ca, wait);
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
        return o instanceof NodeAgents n && n.addresses.equals(addresses) && Objects.equals(n.key, key) && Objects.equals(n.ca, ca)
                && n.restoreOutcomeWait.equals(restoreOutcomeWait);
    }

    @Override
    public int hashCode() {
        return addresses.hashCode();
    }
}
