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

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /**
     * Platform threads for scrapes asked for on a virtual thread (none kept while nobody scrapes). The Prometheus
     * text writers write through a {@code java.io.BufferedWriter}, which on a virtual thread starts at 512 chars
     * and grows by exactly what each write needs: an array copy per write (most are one character) until it holds
     * 8 KiB, about 18 MB allocated per scrape of the daemon's registry against 0.5 MB on a platform thread (JDK 25,
     * ScrapeAllocationTest). On a platform thread the buffer starts at 8 KiB.
     */
    private final ExecutorService scrapers = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("raptor-metrics-scrape-", 1).daemon(true).factory());

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
        if (!Thread.currentThread().isVirtual()) {
            return new Exposition(type, registry.scrape(type));
        }
        // the same work on a platform thread (see scrapers); the caller waits for it as it would for its own
        Future<String> text = scrapers.submit(() -> registry.scrape(type));
        try {
            return new Exposition(type, text.get());
        } catch (InterruptedException e) {
            text.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping the metrics", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("scraping the metrics failed", e.getCause());
        }
    }

    @Override
    public void close() {
        scrapers.shutdownNow();
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
