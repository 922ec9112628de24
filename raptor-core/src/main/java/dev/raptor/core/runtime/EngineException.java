package dev.raptor.core.runtime;

import dev.raptor.core.allocation.PortInUse;

import java.util.Optional;
import java.util.UUID;

/**
 * A typed failure of a {@link ContainerRuntime} call. The controller decides per type: not-found is a
 * state (absent), conflict is usually already-in-that-state, unavailable and timeout are retried or
 * reported, never waited on forever.
 */
public abstract sealed class EngineException extends RuntimeException {
    private final UUID serverId;
    private final String operation;

    protected EngineException(UUID serverId, String operation, String message, Throwable cause) {
        super(operation + (serverId == null ? "" : " of server " + serverId) + ": " + message, cause);
        this.serverId = serverId;
        this.operation = operation;
    }

    /** The server the call was about, or null for node-wide calls. */
    public UUID serverId() {
        return serverId;
    }

    /** The runtime operation that failed, e.g. {@code create}, {@code start}. */
    public String operation() {
        return operation;
    }

    /** The container (or image) does not exist. For stop, kill and remove this means success. */
    public static final class NotFound extends EngineException {
        public NotFound(UUID serverId, String operation, String message, Throwable cause) {
            super(serverId, operation, message, cause);
        }
    }

    /**
     * The engine refused because of the current state: name taken, container not running, port in use. A
     * start refused because a host port is taken says which ({@link #portInUse()}).
     */
    public static final class Conflict extends EngineException {
        private final PortInUse portInUse;

        public Conflict(UUID serverId, String operation, String message, Throwable cause) {
            this(serverId, operation, message, cause, null);
        }

        /** @param portInUse the host port the engine could not give the container, null when that is not the conflict */
        public Conflict(UUID serverId, String operation, String message, Throwable cause, PortInUse portInUse) {
            super(serverId, operation, message, cause);
            this.portInUse = portInUse;
        }

        /** The host port the engine could not give the container, when that was the conflict. */
        public Optional<PortInUse> portInUse() {
            return Optional.ofNullable(portInUse);
        }
    }

    /** The engine could not be reached or answered with a server error. */
    public static final class Unavailable extends EngineException {
        public Unavailable(UUID serverId, String operation, String message, Throwable cause) {
            super(serverId, operation, message, cause);
        }
    }

    /** The call did not answer before its deadline and was abandoned. */
    public static final class Timeout extends EngineException {
        public Timeout(UUID serverId, String operation, String message, Throwable cause) {
            super(serverId, operation, message, cause);
        }
    }

    /**
     * This runtime does not do that at all (the process runtime runs no images and makes no networks): a clear
     * refusal, never a silent no-op. The message names the runtime and what it does instead, if anything.
     */
    public static final class NotSupported extends EngineException {
        public NotSupported(UUID serverId, String operation, String message) {
            super(serverId, operation, message, null);
        }
    }

    /** The engine refused the request as invalid (bad image, bad limit for this kernel...). */
    public static final class Rejected extends EngineException {
        public Rejected(UUID serverId, String operation, String message, Throwable cause) {
            super(serverId, operation, message, cause);
        }
    }
}
