package dev.raptor.core.power;

import java.util.UUID;

/** A start was refused because the server's last install failed: the API's 409 {@code install-failed}. Reinstall it first. */
public final class ServerNotInstalledException extends RuntimeException {
    private final UUID serverId;

    public ServerNotInstalledException(UUID serverId, String action, String failure) {
        super("server " + serverId + " refuses '" + action + "': its last install did not succeed (" + failure
                + "); reinstall it (POST /servers/" + serverId + "/reinstall)");
        this.serverId = serverId;
    }

    public UUID serverId() {
        return serverId;
    }
}
