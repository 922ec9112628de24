package dev.raptor.api.auth;

/** A bearer credential that is neither the API key nor a valid token; the message says which check failed. */
public final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
