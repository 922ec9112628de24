package dev.raptor.daemon;

/** The daemon cannot start for a reason the operator can fix; its message says what and how. */
final class BootException extends RuntimeException {
    BootException(String message) {
        super(message, null, false, false);
    }

    BootException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
