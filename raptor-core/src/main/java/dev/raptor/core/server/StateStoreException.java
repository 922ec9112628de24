package dev.raptor.core.server;

/**
 * The state store could not do what it was asked because of its storage (I/O, a database that does not
 * answer), not because of the request. Whoever serves requests answers it as "try again later"; the
 * message names the operation and, where there is one, the server or file.
 */
public class StateStoreException extends RuntimeException {

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
