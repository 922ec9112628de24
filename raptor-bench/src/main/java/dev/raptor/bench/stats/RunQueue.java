package dev.raptor.bench.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's runnable threads ({@code procs_running} of {@code /proc/stat}, what vmstat's {@code r} column shows),
 * sampled every {@link #PERIOD_MILLIS} ms by a thread of its own while a measurement runs: how many threads wanted the
 * cores at once. The sampler counts itself (1) in each sample.
 */
public final class RunQueue implements AutoCloseable {
    static final long PERIOD_MILLIS = 20;
    private final Samples counts = new Samples();
    private final java.lang.Thread sampler;
    private volatile boolean stop;

    private RunQueue() {
        sampler = java.lang.Thread.ofPlatform().daemon().name("bench-run-queue").start(this::sample);
    }

    /** Starts sampling now. */
    public static RunQueue start() {
        return new RunQueue();
    }

    private void sample() {
        Path stat = Path.of("/proc/stat");
        while (!stop) {
            try {
                for (String line : Files.readAllLines(stat)) {
                    if (line.startsWith("procs_running ")) {
                        counts.add(Long.parseLong(line.substring(14).strip()));
                    }
                }
                java.lang.Thread.sleep(PERIOD_MILLIS);
            } catch (IOException | NumberFormatException e) {
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {@code runnable threads (procs_running, every 20 ms): median 3, p99 9, max 14 (n=1800)}; call after {@link #close()}. */
    public String summary() {
        if (counts.count() == 0) {
            return "runnable threads: not read";
        }
        return String.format(Locale.ROOT, "runnable threads (procs_running, every %d ms, the sampler included): median %d, "
                + "p99 %d, max %d (n=%d)", PERIOD_MILLIS, counts.medianNanos(), counts.p99Nanos(), counts.maxNanos(), counts.count());
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
        try {
            sampler.join(1_000);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }
}
