package dev.raptor.store;

/**
 * The store could not do what it was asked because of its storage (I/O, SQLite), not because of the
 * request. The message names the operation and, where there is one, the server or file.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
