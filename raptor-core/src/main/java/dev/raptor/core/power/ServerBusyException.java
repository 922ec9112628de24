package dev.raptor.core.power;

import java.util.UUID;

/** An action was refused because maintenance (a restore) runs or waits on the server: the API's 409 {@code server-busy}. */
public final class ServerBusyException extends RuntimeException {
    private final UUID serverId;
    private final String busyWith;

    public ServerBusyException(UUID serverId, String action, String busyWith) {
        super("server " + serverId + " refuses '" + action + "' while a " + busyWith + " runs; try again when it is over");
        this.serverId = serverId;
        this.busyWith = busyWith;
    }

    public UUID serverId() {
        return serverId;
    }

    /** What the server is busy with ({@code restore}). */
    public String busyWith() {
        return busyWith;
    }
}
