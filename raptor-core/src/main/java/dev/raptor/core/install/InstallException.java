package dev.raptor.core.install;

/** An install could not be carried out (its helper could not be made or started, or it ran too long). */
public final class InstallException extends RuntimeException {
    public InstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
