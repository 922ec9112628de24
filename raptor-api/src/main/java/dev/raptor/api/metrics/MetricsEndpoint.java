package dev.raptor.api.metrics;

import dev.raptor.metrics.Exposition;
import dev.raptor.metrics.RaptorMetrics;
import io.javalin.http.Context;

/**
 * {@code GET /metrics}: every metric of the node in the format the scraper's {@code Accept} asks for,
 * OpenMetrics 1.0 or the Prometheus text format 0.0.4 (see {@link Exposition#negotiate}). Served on
 * the API's address behind the node key, and, when {@code metricsAddr} is set, by a
 * {@link MetricsServer} of its own without credentials.
 */
public final class MetricsEndpoint {
    private final RaptorMetrics metrics;

    public MetricsEndpoint(RaptorMetrics metrics) {
        this.metrics = metrics;
    }

    public void serve(Context ctx) {
        Exposition e = metrics.scrape(ctx.header("Accept"));
        ctx.status(200).contentType(e.contentType()).result(e.body());
    }
}
