package dev.raptor.core.stats;

import dev.raptor.core.console.RunningServerFixture;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.server.ServerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Servers read in the background ({@link StatsHub#sampleInBackground}): one-shot readings every few seconds, no stream
 * left open, CPU from two successive readings, and a live watch's readings preferred while somebody watches.
 */
class BackgroundSamplingTest extends RunningServerFixture {
    /** The fake engine's clock: a second per reading, so always ahead of the live stream's readings (stamped now). */
    private final Instant engineEpoch = Instant.now();

    /** One-shot readings taken by {@link #oneShot}: reading n is n engine seconds in, with n × 0.5 s of CPU time. */
    private final AtomicLong oneShots = new AtomicLong();
    private StatsHub hub;

    @AfterEach
    void closeHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private StatsHub hub(ContainerRuntime on) {
        hub = new StatsHub(on, runs, bus, new DiskUsageSource() {
            @Override
            public DiskReading reading(UUID serverId) {
                return DiskReading.UNKNOWN;
            }

            @Override
            public void forget(UUID serverId) {
            }
        }, StatsSettings.defaults().withPublishEvery(Duration.ofMillis(50)).withRecheckEvery(Duration.ofMillis(100))
                .withSampleEvery(Duration.ofMillis(50)).withEngineTimeout(Duration.ofSeconds(5)));
        return hub;
    }

    /**
     * The in-memory runtime with a runtime's own one-shot read, as Docker's: no CPU percentage, the CPU time since start.
     * Reading n: memory 1,000 + n bytes, n seconds of engine time, n × 0.5 s of CPU time (half a core busy).
     */
    private ContainerRuntime oneShot() {
        return (ContainerRuntime) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{ContainerRuntime.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("readStats")) {
                        long n = oneShots.incrementAndGet();
                        return Optional.of(new StatsReading(new StatsSample(id, engineEpoch.plusSeconds(n), 1_000 + n,
                                1L << 30, 0, 10 * n, 20 * n, 3), n * 500_000_000L));
                    }
                    try {
                        return method.invoke(runtime, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anUnwatchedServerIsReadInTheBackgroundWithNoStreamAndItsCpuComesFromTwoReadings() {
        StatsHub h = hub(oneShot());
        assertThat(h.latest(id).sampled()).as("nothing read before anybody asks").isFalse();

        try (BackgroundSampling sampling = h.sampleInBackground(id)) {
            assertThat(h.backgroundServers()).isEqualTo(1);
            await().atMost(HANG).until(() -> h.latest(id).sampled() && h.latest(id).cpuAbsolute() > 0);
            ServerStats s = h.latest(id);
            assertThat(s.cpuAbsolute()).as("0.5 s of CPU per engine second: half a core").isEqualTo(50.0);
            assertThat(s.memoryBytes()).isGreaterThan(1_000);
            assertThat(s.rxBytes()).isEqualTo(10 * (s.memoryBytes() - 1_000));
            assertThat(s.state()).isEqualTo(ServerState.RUNNING);
            long memory = s.memoryBytes();
            await().atMost(HANG).until(() -> h.latest(id).memoryBytes() > memory);
            assertThat(engine.openStatsStreams()).as("one-shot reads hold no stream").isZero();
            assertThat(h.openEngineStreams()).isZero();
            assertThat(h.watchedServers()).isZero();
            assertThat(h.backgroundReads()).isGreaterThanOrEqualTo(3);
        }
        assertThat(h.latest(id).sampled()).as("released: its reading is dropped").isFalse();
        assertThat(h.backgroundServers()).isZero();
    }

    @Test
    void aWatchedServersLiveReadingWinsAndItIsNotReadInTheBackgroundMeanwhile() {
        StatsHub h = hub(oneShot());
        try (BackgroundSampling sampling = h.sampleInBackground(id)) {
            await().atMost(HANG).until(() -> h.latest(id).sampled());
            try (StatsSubscription live = h.subscribe(id, stats -> {
            })) {
                await().atMost(HANG).until(() -> engine.openStatsStreams() == 1);
                engine.pushStats(id, 123_456, 42.5);
                await().atMost(HANG).until(() -> h.latest(id).memoryBytes() == 123_456);
                assertThat(h.latest(id).cpuAbsolute()).isEqualTo(42.5);
                long reads = h.backgroundReads();
                // the live stream has fresher readings: more of them must not make the background read it
                for (int i = 1; i <= 5; i++) {
                    engine.pushStats(id, 123_456 + i, 42.5);
                    long expect = 123_456 + i;
                    await().atMost(HANG).until(() -> h.latest(id).memoryBytes() == expect);
                }
                assertThat(h.backgroundReads()).isLessThanOrEqualTo(reads + 1); // at most the round that was under way
            }
            await().atMost(HANG).until(() -> h.latest(id).memoryBytes() < 123_456 && h.latest(id).memoryBytes() > 1_000);
        }
    }

    @Test
    void aRuntimeWithoutAOneShotReadIsReadThroughItsStreamWhichIsClosedAfterTheFirstReading() {
        StatsHub h = hub(runtime); // the in-memory runtime: the SPI's default readStats, as the process runtime's
        try (BackgroundSampling sampling = h.sampleInBackground(id)) {
            await().atMost(HANG).until(() -> engine.openStatsStreams() == 1);
            engine.pushStats(id, 777, 12.5);
            await().atMost(HANG).until(() -> h.latest(id).memoryBytes() == 777);
            assertThat(h.latest(id).cpuAbsolute()).as("the runtime's own CPU figure").isEqualTo(12.5);
            assertThat(h.openEngineStreams()).as("the background holds no watch").isZero();
        }
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 0);
    }

    @Test
    void aServerThatStopsLosesItsBackgroundReadingAndOneThatStartsGetsOne() {
        runs.set(id, ServerState.OFFLINE, null, null);
        StatsHub h = hub(oneShot());
        try (BackgroundSampling sampling = h.sampleInBackground(id)) {
            runs.set(id, ServerState.RUNNING, ref, started);
            await().atMost(HANG).until(() -> h.latest(id).sampled());
            runs.set(id, ServerState.OFFLINE, null, null);
            await().atMost(HANG).until(() -> !h.latest(id).sampled());
            assertThat(h.latest(id).state()).isEqualTo(ServerState.OFFLINE);
        }
    }
}
