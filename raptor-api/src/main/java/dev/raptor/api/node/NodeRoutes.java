package dev.raptor.api.node;

import dev.raptor.api.auth.Access;
import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.core.health.DeepHealth;
import dev.raptor.core.health.HealthReport;
import dev.raptor.core.health.HealthStatus;
import dev.raptor.wire.node.DeepHealthDocument;
import io.javalin.http.Context;

/**
 * {@code GET /health} (no credentials, for probes), {@code GET /health?deep=true} (the node key: the named
 * deep checks, which take a durable store write) and {@code GET /system}.
 */
public final class NodeRoutes {
    private final NodeStatus status;
    private final DeepHealth deep;
    private final Authenticator authenticator;

    public NodeRoutes(NodeStatus status, DeepHealth deep, Authenticator authenticator) {
        this.status = status;
        this.deep = deep;
        this.authenticator = authenticator;
    }

    /**
     * Plain: 200 when the engine answers, the store writes and the disk has room; 503 otherwise. Deep: every
     * named check with its detail and the node's {@code healthy|degraded|unhealthy}; 503 only when unhealthy.
     */
    public void health(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        if (Query.bool(ctx, "deep").orElse(false)) {
            authenticator.require(ctx, Access.NODE);
            HealthReport report = deep.check();
            Responses.json(ctx, report.status() == HealthStatus.UNHEALTHY ? 503 : 200, DeepHealthDocument.of(report));
            return;
        }
        NodeStatus.Health health = status.health();
        Responses.json(ctx, health.ok() ? 200 : 503, health.toDocument());
    }

    public void system(Context ctx) {
        Responses.json(ctx, 200, status.system());
    }
}
