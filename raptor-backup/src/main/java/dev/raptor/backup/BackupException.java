package dev.raptor.backup;

import java.io.IOException;
import java.util.UUID;

/**
 * A backup or restore refused or failed for a reason the caller can name to its user; each kind maps to one
 * problem type ({@link #problemType()}) of the API.
 */
public abstract sealed class BackupException extends IOException
        permits BackupException.NotFound, BackupException.Busy, BackupException.Locked, BackupException.Corrupt,
        BackupException.NotRestorable, BackupException.BadIgnoreFile, BackupException.NodeUnavailable {
    private final UUID serverId;

    protected BackupException(UUID serverId, String message) {
        super(message);
        this.serverId = serverId;
    }

    public UUID serverId() {
        return serverId;
    }

    /** The API's problem type suffix ({@code backup-not-found}...). */
    public abstract String problemType();

    /** No such backup of this server. */
    public static final class NotFound extends BackupException {
        public NotFound(UUID serverId, UUID backupId) {
            super(serverId, "server " + serverId + " has no backup " + backupId);
        }

        @Override
        public String problemType() {
            return "backup-not-found";
        }
    }

    /** Another backup or restore of the same server is running. */
    public static final class Busy extends BackupException {
        public Busy(UUID serverId, String running) {
            super(serverId, "a " + running + " of server " + serverId + " is running; try again when it is over");
        }

        @Override
        public String problemType() {
            return "backup-busy";
        }
    }

    /** A locked backup cannot be deleted. */
    public static final class Locked extends BackupException {
        public Locked(UUID serverId, UUID backupId) {
            super(serverId, "backup " + backupId + " is locked; unlock it before deleting it");
        }

        @Override
        public String problemType() {
            return "backup-locked";
        }
    }

    /** The archive is not what was written (its checksum or size differs): nothing was touched. */
    public static final class Corrupt extends BackupException {
        public Corrupt(UUID serverId, UUID backupId, String detail) {
            super(serverId, "backup " + backupId + " is damaged (" + detail + "); the server's files were not touched");
        }

        private Corrupt(UUID serverId, String message) {
            super(serverId, message);
        }

        /** The refusal a node agent answered, its message as the agent wrote it (the same words as this one's). */
        public static Corrupt reported(UUID serverId, String message) {
            return new Corrupt(serverId, message);
        }

        @Override
        public String problemType() {
            return "backup-corrupt";
        }
    }

    /** Only a completed backup can be restored or downloaded. */
    public static final class NotRestorable extends BackupException {
        public NotRestorable(UUID serverId, UUID backupId, String status) {
            super(serverId, "backup " + backupId + " is " + status + ", not completed");
        }

        @Override
        public String problemType() {
            return "backup-not-completed";
        }
    }

    /** The server's {@code .raptorignore} cannot be used (a link, too large, not a file). */
    public static final class BadIgnoreFile extends BackupException {
        public BadIgnoreFile(UUID serverId, String why) {
            super(serverId, ".raptorignore " + why);
        }

        @Override
        public String problemType() {
            return "bad-ignore-file";
        }
    }

    /**
     * The server's files are on a node whose agent cannot be reached (or refuses this daemon's key): nothing was read
     * or changed there.
     */
    public static final class NodeUnavailable extends BackupException {
        public NodeUnavailable(UUID serverId, String message) {
            super(serverId, message);
        }

        @Override
        public String problemType() {
            return "node-unavailable";
        }
    }
}
