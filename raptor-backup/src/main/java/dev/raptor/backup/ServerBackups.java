package dev.raptor.backup;

import dev.raptor.backup.retention.RetentionPolicy;
import dev.raptor.core.backup.BackupPolicy;
import dev.raptor.core.backup.BackupProgress;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.RestorePhase;
import dev.raptor.files.rules.AccessRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Backups of the fleet's servers as their specs say: the spec's ignore patterns and retention (each of {@code max} and
 * {@code maxAgeDays} the node's unless the spec names its own), and its console commands around a backup of the
 * running server. Both ways a backup starts (a request, the schedule) come through here, so both obey the spec alike.
 */
public final class ServerBackups {
    private static final Logger log = LoggerFactory.getLogger(ServerBackups.class);

    private final ServerFleet fleet;
    private final BackupService service;

    public ServerBackups(ServerFleet fleet, BackupService service) {
        this.fleet = fleet;
        this.service = service;
    }

    public BackupService service() {
        return service;
    }

    /**
     * The server's backup target from its current spec.
     *
     * @throws ServerNotFoundException when the fleet has no such server
     */
    public BackupTarget target(UUID serverId) {
        return target(spec(serverId));
    }

    private ServerSpec spec(UUID serverId) {
        return fleet.find(serverId).orElseThrow(() -> new ServerNotFoundException(serverId)).stored().spec();
    }

    private BackupTarget target(ServerSpec spec) {
        UUID serverId = spec.id();
        BackupPolicy b = spec.backups();
        RetentionPolicy node = service.settings().retention();
        RetentionPolicy retention = new RetentionPolicy(b.max() == null ? node.max() : b.max(),
                b.maxAgeDays() == null ? node.maxAgeDays() : b.maxAgeDays());
        return new BackupTarget(serverId, FilePolicy.of(spec.limits(), AccessRules.NONE), retention, b.ignore());
    }

    /**
     * Backs the server up as its spec says. When the backup starts (its refusals, a busy server or a bad
     * {@code .raptorignore}, come before) its {@code commandsBefore} are sent if the server runs, and when it ended its
     * {@code commandsAfter} are, if it runs then. The commands are sent on the backup's own thread, before it reads a
     * file: that is their point. A command that cannot be sent is logged; the backup goes on.
     */
    public BackupRecord create(UUID serverId, BackupRequest request, BackupListener listener) throws IOException {
        ServerSpec spec = spec(serverId); // one version of it for the whole backup
        BackupPolicy policy = spec.backups();
        return service.create(target(spec), request, new BackupListener() {
            @Override
            public void started(BackupRecord backup) {
                send(serverId, policy.commandsBefore(), "before");
                listener.started(backup);
            }

            @Override
            public void progressed(BackupRecord backup, BackupProgress progress) {
                listener.progressed(backup, progress);
            }

            @Override
            public void completed(BackupRecord backup) {
                send(serverId, policy.commandsAfter(), "after");
                listener.completed(backup);
            }

            @Override
            public void restorePhase(BackupRecord backup, RestorePhase phase) {
                listener.restorePhase(backup, phase);
            }

            @Override
            public void failed(BackupRecord backup, String reason) {
                send(serverId, policy.commandsAfter(), "after");
                listener.failed(backup, reason);
            }
        });
    }

    private void send(UUID serverId, List<String> commands, String when) {
        if (commands.isEmpty() || fleet.find(serverId).map(s -> s.state() != ServerState.RUNNING).orElse(true)) {
            return;
        }
        for (String command : commands) {
            try {
                fleet.sendCommand(serverId, command);
                log.atInfo().addKeyValue("server", serverId).addKeyValue("command", command).log("sent a console command " + when + " a backup");
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("server", serverId).addKeyValue("command", command)
                        .log("could not send a console command " + when + " a backup: " + e.getMessage());
            }
        }
    }
}
