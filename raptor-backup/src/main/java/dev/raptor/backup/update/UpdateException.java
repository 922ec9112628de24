package dev.raptor.backup.update;

import java.net.URI;
import java.util.UUID;

/** An update refused before it started, for a reason the caller can name; each kind is one problem type of the API. */
public abstract sealed class UpdateException extends RuntimeException
        permits UpdateException.NoSource, UpdateException.Busy, UpdateException.SourceFailed, UpdateException.BadManifest,
        UpdateException.NothingToRollBack {
    protected UpdateException(String message) {
        super(message);
    }

    /** The API's problem type ({@code no-update-source}...). */
    public abstract String problemType();

    /** The API's status for it. */
    public abstract int status();

    /** The server has no update source. */
    public static final class NoSource extends UpdateException {
        public NoSource(UUID serverId) {
            super("server " + serverId + " has no update source (PUT /servers/" + serverId + "/update-source names one)");
        }

        @Override
        public String problemType() {
            return "no-update-source";
        }

        @Override
        public int status() {
            return 404;
        }
    }

    /** An update or rollback of the server is already running. */
    public static final class Busy extends UpdateException {
        public Busy(UUID serverId) {
            super("an update of server " + serverId + " is already running");
        }

        @Override
        public String problemType() {
            return "update-busy";
        }

        @Override
        public int status() {
            return 409;
        }
    }

    /** The source could not be read (unreachable, an error status, too slow). */
    public static final class SourceFailed extends UpdateException {
        public SourceFailed(URI source, String why) {
            super("the update source " + source + " could not be read: " + why);
        }

        @Override
        public String problemType() {
            return "update-source-failed";
        }

        @Override
        public int status() {
            return 502;
        }
    }

    /** The source answered something that is not a manifest, or not the version asked for. */
    public static final class BadManifest extends UpdateException {
        public BadManifest(URI source, String why) {
            super("the update source " + source + " answered a bad manifest: " + why);
        }

        @Override
        public String problemType() {
            return "bad-update-manifest";
        }

        @Override
        public int status() {
            return 502;
        }
    }

    /** No update of the server left a backup to go back to. */
    public static final class NothingToRollBack extends UpdateException {
        public NothingToRollBack(UUID serverId) {
            super("server " + serverId + " has no succeeded update whose backup is kept: there is no previous version to roll back to");
        }

        @Override
        public String problemType() {
            return "nothing-to-roll-back";
        }

        @Override
        public int status() {
            return 409;
        }
    }
}
