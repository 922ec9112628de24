/**
 * The node's metrics, for Prometheus.
 *
 * <p>Where to look: {@link dev.raptor.metrics.RaptorMetrics} owns the registry and the exposition
 * (Prometheus text 0.0.4 or OpenMetrics 1.0, negotiated by {@link dev.raptor.metrics.Exposition});
 * {@link dev.raptor.metrics.ServerMetrics} keeps one set of series per server and removes it when the
 * server goes; {@link dev.raptor.metrics.NodeMetrics} counts servers and times power actions;
 * {@link dev.raptor.metrics.MeteredRuntime} and {@link dev.raptor.metrics.MeteredStore} are decorators
 * that time every engine call and store write without the core knowing; {@link dev.raptor.metrics.ApiMetrics}
 * is what the HTTP layer records requests into. Names follow Micrometer's conventions and come out in
 * Prometheus form: {@code raptor.server.memory.usage} with base unit bytes is
 * {@code raptor_server_memory_usage_bytes}.
 */
package dev.raptor.metrics;
