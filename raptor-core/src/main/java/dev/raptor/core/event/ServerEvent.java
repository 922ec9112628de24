package dev.raptor.core.event;

import dev.raptor.core.image.PullProgress;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.ServerState;

import java.time.Instant;
import java.util.UUID;

/** Lifecycle events the server controllers publish. */
public sealed interface ServerEvent extends RaptorEvent {

    /** Observed state changed. */
    record StateChanged(UUID serverId, Instant at, ServerState from, ServerState to, String reason) implements ServerEvent {
        @Override
        public String type() {
            return "server.state";
        }
    }

    /**
     * A container (process) of the server began to run: after a start, or when one was found running.
     * Console streams reopen from {@code outputSince} so no boot line is missed (see
     * {@link dev.raptor.core.runtime.ContainerInfo#outputSince()}); {@code startedAt} tells runs apart.
     */
    record ContainerStarted(UUID serverId, Instant at, String containerId, Instant startedAt, Instant outputSince)
            implements ServerEvent {
        @Override
        public String type() {
            return "server.container-started";
        }

        /** The container that began to run. */
        public ContainerRef container() {
            return new ContainerRef(containerId, RuntimeLabels.containerName(serverId), serverId);
        }
    }

    /**
     * The server's health check reached a new verdict ({@code none} once it no longer runs):
     * {@code server.health}.
     */
    record HealthChanged(UUID serverId, Instant at, ContainerHealth from, ContainerHealth to) implements ServerEvent {
        @Override
        public String type() {
            return "server.health";
        }
    }

    /**
     * A start found the server's image missing and pulls it: one event as the pull begins ({@code progress}
     * null, {@code message} saying so), then the engine's steps, per layer, at most a few a second, then one
     * as it ends ({@code progress} null, {@code message} saying how): {@code server.image-pull}.
     */
    record ImagePull(UUID serverId, Instant at, String image, PullProgress progress, String message) implements ServerEvent {
        @Override
        public String type() {
            return "server.image-pull";
        }
    }

    /** The server exited while it was meant to run. */
    record Crashed(UUID serverId, Instant at, int exitCode, boolean oomKilled, int crashesInWindow,
                   boolean willRestart) implements ServerEvent {
        @Override
        public String type() {
            return "server.crash";
        }
    }

    /** Too many crashes in the window: Raptor stopped restarting it. */
    record CrashLoop(UUID serverId, Instant at, int crashes, long windowSeconds) implements ServerEvent {
        @Override
        public String type() {
            return "server.crash-loop";
        }
    }

    /**
     * A backup or restore of the server's files moved on: {@code phase} is {@code started}, {@code progress},
     * {@code completed} or {@code failed} (the console socket's {@code backup <phase>} events).
     *
     * @param operation {@code backup} or {@code restore}
     * @param backup    the backup made or restored, as it stands
     * @param progress  with {@code progress} (and where it ended), else null
     * @param reason    with {@code failed}: why, else null
     */
    record BackupChanged(UUID serverId, Instant at, String operation, String phase, dev.raptor.core.backup.BackupRecord backup,
                         dev.raptor.core.operation.OperationProgress progress, String reason) implements ServerEvent {
        @Override
        public String type() {
            return operation + "." + phase;
        }
    }

    /**
     * An update of the server moved on: {@code update.started}, {@code update.progress} (its stage changed: downloading,
     * backing-up, applying, starting, rolling-back), {@code update.succeeded}, {@code update.failed}, {@code update.rolled-back}.
     */
    record UpdateChanged(UUID serverId, Instant at, String phase, dev.raptor.core.update.UpdateRecord update, String reason)
            implements ServerEvent {
        @Override
        public String type() {
            return "update." + phase;
        }
    }

    /** A power action or spec change failed; the server was left consistent. */
    record ActionFailed(UUID serverId, Instant at, String action, String reason) implements ServerEvent {
        @Override
        public String type() {
            return "server.error";
        }
    }

    /**
     * The server was registered on this node (created, or imported). Its type string stays the one the
     * API has always shown, {@code server.created}.
     */
    /** One line of a running install script's output (stdout or stderr). */
    record InstallOutput(UUID serverId, Instant at, String line) implements ServerEvent {
        @Override
        public String type() {
            return "server.install-output";
        }
    }

    /** An install or reinstall ended: {@code succeeded}, or why not. */
    record InstallFinished(UUID serverId, Instant at, String action, boolean succeeded, String reason) implements ServerEvent {
        @Override
        public String type() {
            return "server.install-finished";
        }
    }

    record Created(UUID serverId, Instant at, long version) implements ServerEvent {
        @Override
        public String type() {
            return "server.created";
        }
    }

    /** The server's spec changed (an update, or an import replacing it): {@code server.updated}. */
    record Updated(UUID serverId, Instant at, long version) implements ServerEvent {
        @Override
        public String type() {
            return "server.updated";
        }
    }

    /** The server, its container and its data are gone: {@code server.deleted}. Consoles and stats end on it. */
    record Deleted(UUID serverId, Instant at) implements ServerEvent {
        @Override
        public String type() {
            return "server.deleted";
        }
    }

    /** An entry was written to the server's activity log (live views of the log follow this). */
    record ActivityRecorded(UUID serverId, Instant at, ActivityEntry entry) implements ServerEvent {
        @Override
        public String type() {
            return "server.activity";
        }
    }

    /**
     * A line the server's program wrote to its message socket ({@code messaging}); the text as read, without
     * its newline.
     */
    record MessageReceived(UUID serverId, Instant at, String line) implements ServerEvent {
        @Override
        public String type() {
            return "server.message";
        }
    }

    /** The server's program connected to its message socket, or its connection ended. */
    record MessageSocketChanged(UUID serverId, Instant at, boolean connected) implements ServerEvent {
        @Override
        public String type() {
            return "server.message-socket";
        }
    }
}
