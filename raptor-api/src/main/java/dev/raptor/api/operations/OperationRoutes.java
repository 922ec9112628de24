package dev.raptor.api.operations;

import io.javalin.http.Context;
import dev.raptor.api.problem.ProblemException;

/**
 * {@code GET /operations/{opId}} and {@code DELETE /operations/{opId}} on one {@link Operations} registry: the daemon's
 * (power actions, file operations) and a node agent's (file operations it runs for its manager).
 */
public final class OperationRoutes {
    private final Operations operations;

    public OperationRoutes(Operations operations) {
        this.operations = operations;
    }

    /** {@code GET /operations/{opId}}: the operation as it stands. */
    public void operation(Context ctx) {
        Operation op = operations.find(ctx.pathParam("opId"))
                .orElseThrow(() -> ProblemException.notFound("operation " + ctx.pathParam("opId")
                        + " does not exist (operations are kept for a while after they finish)"));
        dev.raptor.api.http.Responses.json(ctx, 200, op.toDocument());
    }

    /**
     * Cancels a pending file operation: it stops at its next file or buffer, removes its partial output and answers
     * failed, {@code cancelled}. Answers the operation as it stands (still pending while it winds down; a finished
     * one keeps its answer: cancelling it is a no-op). A power action is not cancelled this way (409): a later
     * action supersedes it.
     */
    public void cancel(Context ctx) {
        String id = ctx.pathParam("opId");
        Operation op;
        try {
            op = operations.cancel(id).orElseThrow(() -> ProblemException.notFound("operation " + id
                    + " does not exist (operations are kept for a while after they finish)"));
        } catch (IllegalStateException e) {
            throw new ProblemException(dev.raptor.wire.problem.Problem.of(409, "not-cancellable", "Not cancellable", e.getMessage()));
        }
        dev.raptor.api.http.Responses.json(ctx, 200, op.toDocument());
    }
}
