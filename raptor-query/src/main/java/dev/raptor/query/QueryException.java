package dev.raptor.query;

import java.io.IOException;

/** The peer answered, but not in the protocol asked for (a malformed, truncated or oversized answer). */
public final class QueryException extends IOException {
    public QueryException(String message) {
        super(message);
    }
}
