package dev.raptor.api.console;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.core.stats.StatsSettings;

/**
 * What the API needs for live consoles: the console and stats hubs (which the daemon creates and
 * closes, since they outlive no API but serve it alone) and how console sockets behave.
 */
public final class LiveConsole {
    private final ConsoleHub consoles;
    private final StatsHub stats;
    private final ConsoleSocketSettings sockets;
    private final boolean ownsHubs;

    private LiveConsole(ConsoleHub consoles, StatsHub stats, ConsoleSocketSettings sockets, boolean ownsHubs) {
        this.consoles = consoles;
        this.stats = stats;
        this.sockets = sockets;
        this.ownsHubs = ownsHubs;
    }

    /** Hubs that the caller owns and closes (after the API). */
    public static LiveConsole of(ConsoleHub consoles, StatsHub stats, ConsoleSocketSettings sockets) {
        return new LiveConsole(consoles, stats, sockets, false);
    }

    /** Hubs with default settings, created for {@code fleet} and closed with the API (an API built without a daemon, e.g. in tests). */
    public static LiveConsole standalone(ServerFleet fleet) {
        ServerRuns runs = ServerRuns.of(fleet);
        return new LiveConsole(new ConsoleHub(fleet.runtime(), runs, fleet.bus(), ConsoleSettings.defaults()),
                new StatsHub(fleet.runtime(), runs, fleet.bus(), fleet.settings().volumesRoot(), StatsSettings.defaults()),
                ConsoleSocketSettings.defaults(), true);
    }

    public ConsoleHub consoles() {
        return consoles;
    }

    public StatsHub stats() {
        return stats;
    }

    /** The endpoints built on these hubs: the console sockets and log following. */
    public Endpoints endpoints(ServerFleet fleet, Authenticator authenticator, CorsPolicy cors, GameStatuses games) {
        return new Endpoints(new ConsoleSockets(fleet, consoles, stats, authenticator, cors, sockets, games),
                new LogFollow(consoles), this);
    }

    /** The live endpoints of one API; closing them ends every socket and follow stream (and the hubs if owned). */
    public record Endpoints(ConsoleSockets sockets, LogFollow follow, LiveConsole live) implements AutoCloseable {
        @Override
        public void close() {
            sockets.close();
            follow.close();
            if (live.ownsHubs) {
                live.consoles.close();
                live.stats.close();
            }
        }
    }
}
