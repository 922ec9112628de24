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
import dev.raptor.wire.operation.TransferRequest;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.power.PowerResult;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;

/** {@code POST /servers/{id}/power}, {@code POST /servers/{id}/transfer}, {@code GET /operations/{opId}} and {@code DELETE /operations/{opId}}. */
public final class PowerRoutes {
    private final ServerFleet fleet;
    private final Operations operations;
    private final ApiSettings settings;
    private final OperationRoutes byId;

    public PowerRoutes(ServerFleet fleet, Operations operations, ApiSettings settings) {
        this.fleet = fleet;
        this.operations = operations;
        this.settings = settings;
        this.byId = new OperationRoutes(operations);
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
        Operation op = operations.submit(id, action.wireName(), begun -> fleet.power(id, action, begun));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /**
     * A {@link TransferRequest}: {@code {"node": "worker-2", "wait": true, "timeout": 600}}: moves the server with its
     * files to another node, answered as a power action is (its progress on the operation while it runs).
     */
    public void transfer(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String node = r.text("node");
        if (node == null && !r.has("node")) {
            r.error("node", "is required: the node to move the server to (GET /api/v1/nodes lists them)");
        }
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(TransferRequest.FIELDS, Set.of());
        problems.throwIfAny();
        Operation.Live live = new Operation.Live();
        CompletableFuture<PowerResult> result = fleet.transfer(id, node, p -> live.progress(ProgressDocuments.of(p)));
        Operation op = operations.track(id, OperationKind.POWER, "transfer", null, live,
                result.thenApply(res -> res == null ? null : Operation.Outcome.of(res, Instant.now().truncatedTo(ChronoUnit.MILLIS))));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    public void operation(Context ctx) {
        byId.operation(ctx);
    }

    /** @see OperationRoutes#cancel */
    public void cancel(Context ctx) {
        byId.cancel(ctx);
    }
}
