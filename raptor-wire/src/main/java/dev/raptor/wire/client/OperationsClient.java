package dev.raptor.wire.client;

import dev.raptor.wire.operation.OperationDocument;
import org.eclipse.jetty.http.HttpMethod;

import java.time.Duration;
import java.util.Objects;

/**
 * Operations ({@code /operations/{opId}}): a power action, delete or spec apply that the daemon answered
 * while it was still {@code pending} (202) goes on, and is read here until it has its outcome. The
 * daemon keeps a finished operation for an hour, across restarts.
 */
public final class OperationsClient {
    /** The status of an operation that has no outcome yet. */
    public static final String PENDING = "pending";

    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 1000;

    private final RaptorClient client;

    OperationsClient(RaptorClient client) {
        this.client = client;
    }

    /** {@code GET /operations/{opId}}: the operation as it is now. */
    public OperationDocument get(String opId) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, "/operations/" + DaemonHttp.segment(opId)), OperationDocument.class, null);
    }

    /**
     * The operation once it has its outcome ({@code done}, {@code superseded} or {@code failed}): {@code op}
     * itself when it has one already, else read again (every 100 ms at first, then every second) until it
     * does or {@code limit} has passed; then the last reading, still {@code pending}.
     */
    public OperationDocument await(OperationDocument op, Duration limit) {
        Objects.requireNonNull(op, "op");
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        OperationDocument current = op;
        while (PENDING.equals(current.status()) && current.id() != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return current;
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RaptorIoException("interrupted while waiting for operation " + current.id(), e);
            }
            pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
            current = get(current.id());
        }
        return current;
    }
}
