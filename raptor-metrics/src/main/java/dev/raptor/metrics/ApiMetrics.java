package dev.raptor.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP requests by method, route pattern (never the raw path: {@code /api/v1/servers/{id}}, so one
 * series per route however many servers there are) and status, with latency buckets:
 * {@code raptor_api_requests_seconds}; and, per route, how long requests waited between arriving (their
 * headers parsed) and their handler starting: {@code raptor_api_request_wait_seconds}, the time a request
 * spends queued for a thread to run it, which the handler's own time does not show.
 */
public final class ApiMetrics {
    static final String METRIC = "raptor.api.requests";
    static final String WAIT = "raptor.api.request.wait";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> waits = new ConcurrentHashMap<>();
    /**
     * The series the last request went to, asked first: a panel polls one route back to back, and the map's key (a
     * text made per request) and its lambda were garbage on every poll. Racing writers only replace it.
     */
    private volatile Last lastRecorded;
    private volatile Last lastWaited;

    /** A series and what it is for ({@code status} 0 for a wait's). */
    private record Last(String method, String route, int status, Timer timer) {
    }

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param route the matched route's pattern, or {@code unmatched} for a 404 on no route */
    public void record(String method, String route, int status, Duration took) {
        Last l = lastRecorded;
        if (l == null || l.status() != status || !l.method().equals(method) || !l.route().equals(route)) {
            Timer timer = timers.computeIfAbsent(method + " " + route + " " + status, k -> Timer.builder(METRIC)
                    .description("HTTP API requests by method, route and status")
                    .tags("method", method, "route", route, "status", Integer.toString(status))
                    .serviceLevelObjectives(Buckets.REQUESTS)
                    .register(registry));
            l = new Last(method, route, status, timer);
            lastRecorded = l;
        }
        l.timer().record(took);
    }

    /**
     * How long a request waited before its handler ran: from the moment the server had read its headers to
     * the handler's first line (under load, the time it sat queued for a thread or a carrier).
     *
     * @param route the matched route's pattern, or {@code unmatched}
     */
    public void recordWait(String method, String route, Duration waited) {
        Last l = lastWaited;
        if (l == null || !l.method().equals(method) || !l.route().equals(route)) {
            Timer timer = waits.computeIfAbsent(method + " " + route, k -> Timer.builder(WAIT)
                    .description("HTTP API requests' wait from arrival to their handler's start, by method and route")
                    .tags("method", method, "route", route)
                    .serviceLevelObjectives(Buckets.WAITS)
                    .register(registry));
            l = new Last(method, route, 0, timer);
            lastWaited = l;
        }
        l.timer().record(waited.isNegative() ? Duration.ZERO : waited);
    }
}
