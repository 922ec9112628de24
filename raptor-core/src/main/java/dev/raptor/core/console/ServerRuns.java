package dev.raptor.core.console;

import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerState;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a server's output comes from right now, as its controller last observed it. The hubs ask
 * this instead of the engine so that deciding whether to open a stream never waits for I/O.
 */
@FunctionalInterface
public interface ServerRuns {

    /** The server's current run, or empty when there is no such server. */
    Optional<Run> current(UUID serverId);

    /**
     * @param state     the controller's observed state
     * @param container the container last seen for the server, null if none is known
     * @param startedAt   when that container last started, null if unknown
     * @param outputSince where that run's output begins ({@link dev.raptor.core.runtime.ContainerInfo#outputSince()}),
     *                    null if unknown
     */
    record Run(ServerState state, ContainerRef container, Instant startedAt, Instant outputSince) {
        /** Whether output or resource readings may flow: the process has been started and not yet seen to exit. */
        public boolean live() {
            return container != null && state != ServerState.OFFLINE;
        }
    }

    /** The fleet's controllers as the source of truth. Volatile reads only. */
    static ServerRuns of(ServerFleet fleet) {
        return id -> {
            ServerController c;
            try {
                c = fleet.controller(id);
            } catch (ServerNotFoundException e) {
                return Optional.empty();
            }
            ServerController.View v = c.view();
            return Optional.of(new Run(v.state(), c.container().orElse(null), v.startedAt(), v.outputSince()));
        };
    }
}
