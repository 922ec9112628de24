package dev.raptor.core.stats;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the {@link StatsHub}.
 *
 * @param publishEvery      how often subscribers get the latest reading
 * @param engineTimeout     how long a one-shot {@link StatsHub#snapshot} waits for the engine's reading (and how long
 *                          one background reading may take)
 * @param recheckEvery      how often a watched server without an open stream is looked at again
 * @param warmFor           how long a server stays watched after a one-shot {@link StatsHub#snapshot}, so that the
 *                          next one (a client polling) is answered at once with a fresh reading; a remembered
 *                          reading older than five times this is not answered any more
 * @param sampleEvery       how often the running servers read in the background ({@link StatsHub#sampleInBackground},
 *                          the metrics' servers) and not watched live get a new one-shot reading: the age of their
 *                          CPU, memory and network figures at most, and the interval their CPU is averaged over.
 *                          Default 10 s: within a 15 s Prometheus scrape, and 400 running servers cost the engine 40
 *                          one-shot reads a second instead of 400 live streams
 * @param sampleConcurrency how many background readings are in flight at a time (each on a virtual thread, one pooled
 *                          engine connection each)
 */
public record StatsSettings(Duration publishEvery, Duration engineTimeout, Duration recheckEvery, Duration warmFor,
                            Duration sampleEvery, int sampleConcurrency) {

    public StatsSettings {
        Objects.requireNonNull(publishEvery, "publishEvery");
        Objects.requireNonNull(engineTimeout, "engineTimeout");
        Objects.requireNonNull(recheckEvery, "recheckEvery");
        Objects.requireNonNull(warmFor, "warmFor");
        Objects.requireNonNull(sampleEvery, "sampleEvery");
        if (publishEvery.isNegative() || publishEvery.isZero()) {
            throw new IllegalArgumentException("publishEvery must be positive");
        }
        if (sampleEvery.isNegative() || sampleEvery.isZero()) {
            throw new IllegalArgumentException("sampleEvery must be positive");
        }
        if (sampleConcurrency < 1) {
            throw new IllegalArgumentException("sampleConcurrency must be at least 1");
        }
    }

    /** The live-watch tunables, with the background sampling's defaults. */
    public StatsSettings(Duration publishEvery, Duration engineTimeout, Duration recheckEvery, Duration warmFor) {
        this(publishEvery, engineTimeout, recheckEvery, warmFor, DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLE_CONCURRENCY);
    }

    public static final Duration DEFAULT_SAMPLE_EVERY = Duration.ofSeconds(10);
    public static final int DEFAULT_SAMPLE_CONCURRENCY = 8;

    public static StatsSettings defaults() {
        return new StatsSettings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    public StatsSettings withPublishEvery(Duration every) {
        return new StatsSettings(every, engineTimeout, recheckEvery, warmFor, sampleEvery, sampleConcurrency);
    }

    public StatsSettings withEngineTimeout(Duration timeout) {
        return new StatsSettings(publishEvery, timeout, recheckEvery, warmFor, sampleEvery, sampleConcurrency);
    }

    public StatsSettings withWarmFor(Duration warm) {
        return new StatsSettings(publishEvery, engineTimeout, recheckEvery, warm, sampleEvery, sampleConcurrency);
    }

    public StatsSettings withRecheckEvery(Duration every) {
        return new StatsSettings(publishEvery, engineTimeout, every, warmFor, sampleEvery, sampleConcurrency);
    }

    public StatsSettings withSampleEvery(Duration every) {
        return new StatsSettings(publishEvery, engineTimeout, recheckEvery, warmFor, every, sampleConcurrency);
    }

    public StatsSettings withSampleConcurrency(int concurrency) {
        return new StatsSettings(publishEvery, engineTimeout, recheckEvery, warmFor, sampleEvery, concurrency);
    }
}
