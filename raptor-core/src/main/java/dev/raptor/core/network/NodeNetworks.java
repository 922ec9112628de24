package dev.raptor.core.network;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.StoredServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The networks servers of this node share: bridges Raptor makes on the engine, joined by the servers whose spec
 * names them ({@link NetworkAttachment}), on which they reach each other by name. A network a stored server names
 * counts as used even while that server has no container, so that its next start does not fail for want of it.
 */
public final class NodeNetworks {
    private static final Logger log = LoggerFactory.getLogger(NodeNetworks.class);

    private final ServerFleet fleet;

    public NodeNetworks(ServerFleet fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** A network and the servers whose spec names it. */
    public record Listed(NetworkInfo network, List<UUID> usedBy) {
        public Listed {
            usedBy = List.copyOf(usedBy);
        }
    }

    public List<Listed> list() {
        List<StoredServer> servers = fleet.store().list();
        List<Listed> out = new ArrayList<>();
        for (NetworkInfo n : fleet.runtime().networks(call())) {
            out.add(new Listed(n, usersOf(n.name(), servers)));
        }
        return out;
    }

    /** @throws EngineException.Conflict when a network of that name exists */
    public Listed create(NetworkSpec spec) {
        NetworkInfo made = fleet.runtime().createNetwork(spec, call());
        log.atInfo().addKeyValue("network", made.name()).addKeyValue("subnet", made.subnet()).addKeyValue("internal", made.internal())
                .log("network created");
        return new Listed(made, usersOf(made.name(), fleet.store().list()));
    }

    /**
     * @throws NetworkInUseException    when a server's spec names it or containers are attached to it
     * @throws EngineException.NotFound when Raptor has no network of that name
     */
    public void remove(String name) {
        List<UUID> users = usersOf(name, fleet.store().list());
        if (!users.isEmpty()) {
            throw new NetworkInUseException(name, users, "the spec of server" + (users.size() == 1 ? " " : "s ")
                    + String.join(", ", users.stream().map(UUID::toString).toList()) + " names it");
        }
        try {
            fleet.runtime().removeNetwork(name, call());
        } catch (EngineException.Conflict e) {
            throw new NetworkInUseException(name, List.of(), e.getMessage());
        }
        log.atInfo().addKeyValue("network", name).log("network removed");
    }

    private static List<UUID> usersOf(String network, List<StoredServer> servers) {
        return servers.stream().filter(s -> s.spec().networks().stream().anyMatch(a -> a.name().equals(network)))
                .map(StoredServer::id).toList();
    }

    private Deadline call() {
        return Deadline.in(fleet.settings().engineTimeout());
    }
}
