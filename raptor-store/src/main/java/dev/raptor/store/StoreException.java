package dev.raptor.store;

import dev.raptor.core.server.StateStoreException;

/**
 * The store could not do what it was asked because of its storage (I/O, SQLite), not because of the
 * request. The message names the operation and, where there is one, the server or file.
 */
public class StoreException extends StateStoreException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
