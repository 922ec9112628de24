package dev.raptor.api.operations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.operation.PowerRequest;
import io.javalin.http.Context;

import java.util.Set;
import java.util.UUID;

/** {@code POST /servers/{id}/power}, {@code GET /operations/{opId}} and {@code DELETE /operations/{opId}}. */
public final class PowerRoutes {
    private final ServerFleet fleet;
    private final Operations operations;
    private final ApiSettings settings;

    public PowerRoutes(ServerFleet fleet, Operations operations, ApiSettings settings) {
        this.fleet = fleet;
        this.operations = operations;
        this.settings = settings;
    }

    /** A {@link PowerRequest}: {@code {"action": "start|stop|restart|kill", "wait": true, "timeout": 60}}. */
    public void power(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        PowerAction action = r.choice("action", PowerAction::parse);
        if (action == null && !r.has("action")) {
            r.error("action", "is required: start, stop, restart or kill");
        }
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(PowerRequest.FIELDS, Set.of());
        problems.throwIfAny();
        Operation op = operations.track(id, action.wireName(), fleet.power(id, action));
        OperationAnswer.send(ctx, operations, op, wait);
    }

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
