package dev.raptor.bench.daemon;

import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.client.ServerClient;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.ServerPatch;
import dev.raptor.wire.server.ServerSpecDocument;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

/**
 * The harness's calls on a daemon, on {@link RaptorClient} (over TCP with the API key: what a panel
 * does): each power action, delete and recreate waits for its outcome up to {@link #OPERATION_LIMIT} and
 * fails unless it is done, so a scenario never measures an action that did not happen.
 */
public final class Calls {
    /** Power actions, deletes and recreates wait for their operation at most this long. */
    public static final Duration OPERATION_LIMIT = Duration.ofSeconds(120);

    private Calls() {
    }

    public static UUID create(RaptorClient api, ServerSpecDocument spec) {
        return api.servers().create(spec).spec().id();
    }

    /** A power action, waiting for its result; fails unless the operation is done. */
    public static void power(RaptorClient api, UUID id, String action) throws IOException {
        requireDone(api.server(id).power(action, OPERATION_LIMIT), action + " of " + id);
    }

    /** Deletes the server (a server already gone is fine), waiting for the outcome. */
    public static void delete(RaptorClient api, UUID id, boolean force) throws IOException {
        try {
            requireDone(api.server(id).delete(force, OPERATION_LIMIT), "delete of " + id);
        } catch (RaptorProblemException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /** Merge-patches the spec and recreates the server at once ({@code ?apply=now}), waiting for the recreate. */
    public static void patchApplyNow(RaptorClient api, UUID id, ServerPatch patch) {
        api.server(id).patch(patch, null, ServerClient.ApplyNow.waitingAtMost(OPERATION_LIMIT));
    }

    private static void requireDone(OperationDocument op, String what) throws IOException {
        if (!"done".equals(op.status())) {
            throw new IOException(what + " did not succeed: " + op);
        }
    }
}
