package dev.raptor.api.node;

import dev.raptor.api.http.Responses;
import io.javalin.http.Context;

/** {@code GET /health} (no credentials, for probes) and {@code GET /system}. */
public final class NodeRoutes {
    private final NodeStatus status;

    public NodeRoutes(NodeStatus status) {
        this.status = status;
    }

    /** 200 when the engine answers, the store writes and the disk has room; 503 otherwise. */
    public void health(Context ctx) {
        NodeStatus.Health health = status.health();
        ctx.header("Cache-Control", "no-store");
        Responses.json(ctx, health.ok() ? 200 : 503, health.toDocument());
    }

    public void system(Context ctx) {
        Responses.json(ctx, 200, status.system());
    }
}
