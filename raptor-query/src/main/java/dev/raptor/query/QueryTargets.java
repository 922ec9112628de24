package dev.raptor.query;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.server.ServerState;

import java.util.ArrayList;
import java.util.List;

/** Which servers the {@link GameStatusPoller} asks: those running now whose spec names a query. */
public final class QueryTargets {
    private QueryTargets() {
    }

    /**
     * Every running server with a {@link GameQuery}, at its primary allocation's host address and port
     * (where the engine publishes it), or on the query's own port. Read from the fleet's in-memory view.
     */
    public static List<QueryTarget> running(ServerFleet fleet) {
        List<QueryTarget> out = new ArrayList<>();
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            GameQuery q = s.stored().spec().query();
            if (q == null || s.state() != ServerState.RUNNING) {
                continue;
            }
            Allocation primary = s.stored().spec().primaryAllocation().orElse(null);
            out.add(QueryTarget.of(s.id(), primary == null ? null : primary.ip(), primary == null ? 0 : primary.port(), q));
        }
        return out;
    }
}
