package dev.raptor.api.operations;

import dev.raptor.api.http.Responses;
import io.javalin.http.Context;

/**
 * Answers a request that submitted an operation: 200 with the operation once it has finished
 * (whatever its outcome: done, superseded or failed — the body says which and why), or 202 with it
 * and its {@code Location} when the client did not want to wait, or the wait ran out first. The
 * operation keeps running either way: nothing is answered 202 and dropped. A file operation the jail
 * refused (a path outside the root, the quota...) answers the problem it ended with, as the request
 * would have had it done the work itself, with the operation's {@code Location}.
 */
public final class OperationAnswer {
    private OperationAnswer() {
    }

    /** Request attribute: the id of the operation the request was answered with (a node agent returns its entries). */
    public static final String ANSWERED = "raptor.answered-operation";

    public static void send(Context ctx, Operations operations, Operation op, WaitPolicy wait) {
        ctx.attribute(ANSWERED, op.id());
        boolean finished = wait.waits() && operations.await(op, wait.timeout());
        // Its id outlives a restart only once its pending record is on disk: a delete's may not be yet (see Operations#submit).
        op.live().onDisk();
        if (!finished) {
            ctx.header("Location", op.href());
            ctx.header("Retry-After", "1");
            Responses.json(ctx, 202, op.toDocument());
            return;
        }
        Operation.Outcome outcome = op.outcome().getNow(null);
        if (outcome != null && outcome.problem() != null) {
            ctx.header("Location", op.href());
            Responses.problem(ctx, outcome.problem());
            return;
        }
        Responses.json(ctx, 200, op.toDocument());
    }
}
