package dev.raptor.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP requests by method, route pattern (never the raw path: {@code /api/v1/servers/{id}}, so one
 * series per route however many servers there are) and status, with latency buckets:
 * {@code raptor_api_requests_seconds}.
 */
public final class ApiMetrics {
    static final String METRIC = "raptor.api.requests";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param route the matched route's pattern, or {@code unmatched} for a 404 on no route */
    public void record(String method, String route, int status, Duration took) {
        timers.computeIfAbsent(method + " " + route + " " + status, k -> Timer.builder(METRIC)
                        .description("HTTP API requests by method, route and status")
                        .tags("method", method, "route", route, "status", Integer.toString(status))
                        .serviceLevelObjectives(Buckets.REQUESTS)
                        .register(registry))
                .record(took);
    }
}
