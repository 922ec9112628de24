package dev.raptor.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.function.Supplier;

/**
 * The node's metric registry (Micrometer on the Prometheus Java client) and its exposition. Everything
 * Raptor measures registers here: {@link ServerMetrics} (per server), {@link NodeMetrics} (servers by
 * state, power actions), {@link MeteredRuntime} (engine calls), {@link MeteredStore} (store writes),
 * {@link ApiMetrics} (HTTP requests), and the JVM and process binders bound at creation.
 */
public final class RaptorMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;

    private RaptorMetrics(PrometheusMeterRegistry registry, boolean jvm) {
        this.registry = registry;
        if (!jvm) {
            this.gc = null;
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** A registry with the JVM and process metrics bound. */
    public static RaptorMetrics create() {
        return new RaptorMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    }

    /** An empty registry, without the JVM binders (nothing to close but itself): for an API nobody measures. */
    public static RaptorMetrics bare() {
        return new RaptorMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A gauge whose value {@code value} computes at each scrape (it must be cheap: a volatile read, a count). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).strongReference(true).register(registry);
    }

    /** Every metric, in the format {@code accept} asks for (see {@link Exposition#negotiate}). */
    public Exposition scrape(String accept) {
        String type = Exposition.negotiate(accept);
        return new Exposition(type, registry.scrape(type));
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
