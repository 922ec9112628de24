package dev.raptor.metrics;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scrape asked for on a virtual thread (every HTTP request's thread in the daemon) costs what one on a
 * platform thread costs. The Prometheus writers' {@code BufferedWriter} grows one character at a time on a
 * virtual thread (JDK 25): a scrape of a ~15 KB exposition allocated about 18 MB.
 */
class ScrapeAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void aScrapeOnAVirtualThreadAllocatesAboutItsOwnSize() throws Exception {
        try (RaptorMetrics metrics = RaptorMetrics.create()) {
            for (int i = 0; i < 50; i++) {
                metrics.gauge("raptor_test_gauge_" + i, "a gauge with a help text long enough to be written character by character", () -> 1);
            }
            String openMetrics = "application/openmetrics-text; version=1.0.0";
            Exposition first = onVirtualThread(() -> metrics.scrape(openMetrics));
            // long enough that the writer's buffer would have grown to its 8 KiB bound
            assertThat(first.body().length()).isGreaterThan(8192);
            onVirtualThread(() -> metrics.scrape("text/plain"));

            long before = THREADS.getTotalThreadAllocatedBytes();
            for (int i = 0; i < 4; i++) {
                onVirtualThread(() -> metrics.scrape(openMetrics));
                onVirtualThread(() -> metrics.scrape("text/plain"));
            }
            long perScrape = (THREADS.getTotalThreadAllocatedBytes() - before) / 8;
            // measured: ~18 MB a scrape before, a few hundred KB after
            assertThat(perScrape).as("bytes allocated per scrape").isLessThan(8L << 20);
        }
    }

    private static Exposition onVirtualThread(java.util.function.Supplier<Exposition> scrape) throws InterruptedException {
        AtomicReference<Exposition> out = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                out.set(scrape.get());
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        assertThat(t.join(java.time.Duration.ofSeconds(60))).as("scrape finished").isTrue();
        assertThat(failed.get()).isNull();
        return out.get();
    }
}
