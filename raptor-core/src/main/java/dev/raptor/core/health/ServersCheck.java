package dev.raptor.core.health;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every server's health, summarised from the fleet's in-memory view (no engine call): degraded when a
 * server is crash-looping, or meant to run but offline and idle (its last error says why). The
 * detail counts servers by state and names the ones in trouble (at most ten).
 */
public record ServersCheck(ServerFleet fleet) implements NodeCheck {
    private static final int NAMED = 10;

    @Override
    public String name() {
        return "servers";
    }

    @Override
    public Finding run(Deadline deadline) {
        Map<ServerState, Integer> counts = new EnumMap<>(ServerState.class);
        List<String> trouble = new ArrayList<>();
        int total = 0;
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            total++;
            counts.merge(s.state(), 1, Integer::sum);
            String name = s.stored().spec().name() + " (" + s.id() + ")";
            if (s.live().crashLoop()) {
                trouble.add(name + " is crash-looping");
            } else if (s.live().desired() == DesiredState.RUNNING && s.state() == ServerState.OFFLINE && s.live().busyWith() == null) {
                trouble.add(name + " should run but is offline" + (s.live().lastError() == null ? "" : ": " + s.live().lastError()));
            }
        }
        StringBuilder detail = new StringBuilder(total + (total == 1 ? " server" : " servers"));
        counts.forEach((state, n) -> detail.append(", ").append(n).append(' ').append(state.wireName()));
        if (trouble.isEmpty()) {
            return Finding.healthy(detail.toString());
        }
        detail.append("; ").append(String.join("; ", trouble.subList(0, Math.min(NAMED, trouble.size()))));
        if (trouble.size() > NAMED) {
            detail.append("; and ").append(trouble.size() - NAMED).append(" more");
        }
        return Finding.degraded(detail.toString());
    }
}
