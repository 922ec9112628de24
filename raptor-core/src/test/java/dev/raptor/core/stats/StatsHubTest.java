package dev.raptor.core.stats;

import dev.raptor.core.console.LiveThreads;
import dev.raptor.core.console.RunningServerFixture;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The stats hub's shared streams, latest-value fan-out and cached disk usage, on the in-memory engine. */
class StatsHubTest extends RunningServerFixture {
    private static final String[] THREADS = {"stats-", FakeEngine.STREAM_THREADS};

    /** Disk figures as a tracker would hold them; the hub only reads them. */
    private final Map<UUID, DiskReading> disk = new ConcurrentHashMap<>();
    private final Set<UUID> forgotten = ConcurrentHashMap.newKeySet();
    private DiskUsageSource source;
    private StatsHub hub;

    @BeforeEach
    void openHub() {
        source = new DiskUsageSource() {
            @Override
            public DiskReading reading(UUID serverId) {
                return disk.getOrDefault(serverId, DiskReading.UNKNOWN);
            }

            @Override
            public void forget(UUID serverId) {
                forgotten.add(serverId);
            }
        };
        hub = new StatsHub(runtime, runs, bus, source, StatsSettings.defaults()
                .withPublishEvery(Duration.ofMillis(50)).withRecheckEvery(Duration.ofMillis(100)));
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    static final class Recorder implements StatsListener {
        final List<ServerStats> seen = new CopyOnWriteArrayList<>();
        final List<EndReason> ends = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate;

        @Override
        public void stats(ServerStats stats) {
            holdAt(gate);
            seen.add(stats);
        }

        @Override
        public void ended(EndReason reason) {
            ends.add(reason);
        }

        ServerStats last() {
            return seen.isEmpty() ? null : seen.getLast();
        }
    }

    @Test
    void listenersOfOneServerShareOneEngineStreamThatClosesWithTheLastOfThem() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        StatsSubscription sa = hub.subscribe(id, a);
        StatsSubscription sb = hub.subscribe(id, b);
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 1 && hub.openEngineStreams() == 1);
        engine.pushStats(id, 123_456, 42.5);
        await().atMost(HANG).until(() -> a.last() != null && a.last().memoryBytes() == 123_456
                && b.last() != null && b.last().memoryBytes() == 123_456);
        ServerStats s = a.last();
        assertThat(s.cpuAbsolute()).isEqualTo(42.5);
        assertThat(s.memoryLimitBytes()).isEqualTo(1L << 30);
        assertThat(s.rxBytes()).isEqualTo(10);
        assertThat(s.txBytes()).isEqualTo(20);
        assertThat(s.state()).isEqualTo(ServerState.RUNNING);
        assertThat(s.uptimeMillis()).isPositive();

        sa.close();
        assertThat(hub.openEngineStreams()).isEqualTo(1);
        sb.close();
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 0 && hub.openEngineStreams() == 0);
        assertThat(hub.subscriberCount()).isZero();
        assertThat(sa.awaitTermination(HANG) && sb.awaitTermination(HANG)).isTrue();
        await().atMost(HANG).until(() -> LiveThreads.named(THREADS) == 0);
    }

    @Test
    void aBlockedListenerGetsOnlyTheLatestReadingWhenItResumes() {
        Recorder slow = new Recorder();
        slow.gate = new CountDownLatch(1);
        Recorder fast = new Recorder();
        hub.subscribe(id, slow);
        hub.subscribe(id, fast);
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 1);
        for (int i = 1; i <= 20; i++) {
            engine.pushStats(id, i, 1);
            int expect = i;
            await().atMost(HANG).pollInterval(Duration.ofMillis(5))
                    .until(() -> fast.last() != null && fast.last().memoryBytes() == expect);
        }
        slow.gate.countDown();
        await().atMost(HANG).until(() -> slow.last() != null && slow.last().memoryBytes() == 20);
        assertThat(slow.seen.size()).isLessThanOrEqualTo(3); // the one it was stuck on, perhaps one in between, the latest
    }

    @Test
    void readingsCarryTheDiskUsageSourcesFigureWithItsTimeAndFollowItsChanges() {
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        await().atMost(HANG).until(() -> r.last() != null);
        assertThat(r.last().disk()).isEqualTo(DiskReading.UNKNOWN);
        assertThat(r.last().diskBytes()).isZero();

        Instant measured = Instant.parse("2025-03-14T10:15:02Z");
        disk.put(id, new DiskReading(OptionalLong.of(71_000), measured, false, 1 << 20));
        await().atMost(HANG).until(() -> r.last().diskBytes() == 71_000);
        assertThat(r.last().disk().measuredAt()).isEqualTo(measured);
        assertThat(hub.snapshot(id).disk().limitBytes()).isEqualTo(1 << 20);
    }

    @Test
    void aDeletedServersDiskFigureIsForgotten() {
        hub.subscribe(id, new Recorder());
        bus.publish(new ServerEvent.Deleted(id, Instant.now()));
        await().atMost(HANG).until(() -> forgotten.contains(id));
    }

    @Test
    void theFirstSnapshotOfARunWaitsForTheEnginesSecondReadingAndKeepsTheServerWatchedForAWhile() throws Exception {
        hub.close();
        hub = new StatsHub(runtime, runs, bus, source, StatsSettings.defaults().withPublishEvery(Duration.ofMillis(50))
                .withRecheckEvery(Duration.ofMillis(100)).withWarmFor(Duration.ofSeconds(5))); // "a while": longer than a
        // loaded machine may take from the snapshot's answer to the check below that the server is still watched
        CompletableFuture<ServerStats> snapshot = CompletableFuture.supplyAsync(() -> hub.snapshot(id));
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 1);
        engine.pushStats(id, 77, 0); // the first reading has no CPU delta: the hub waits for the second
        engine.pushStats(id, 77, 12.5);

        ServerStats s = snapshot.get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertThat(s.memoryBytes()).isEqualTo(77);
        assertThat(s.cpuAbsolute()).isEqualTo(12.5);
        assertThat(s.state()).isEqualTo(ServerState.RUNNING);
        assertThat(hub.watchedServers()).as("kept watched for the next read").isEqualTo(1);
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 0 && hub.openEngineStreams() == 0 && hub.watchedServers() == 0);
    }

    @Test
    void aSnapshotOfAServerReadBeforeAnswersAtOnceWithItsLatestReading() throws Exception {
        hub.close();
        hub = new StatsHub(runtime, runs, bus, source, StatsSettings.defaults().withPublishEvery(Duration.ofMillis(50))
                .withRecheckEvery(Duration.ofMillis(100)).withEngineTimeout(Duration.ofMinutes(5)));
        CompletableFuture<ServerStats> first = CompletableFuture.supplyAsync(() -> hub.snapshot(id));
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 1);
        engine.pushStats(id, 77, 1);
        engine.pushStats(id, 77, 2);
        assertThat(first.get(HANG.toSeconds(), TimeUnit.SECONDS).cpuAbsolute()).isEqualTo(2);
        engine.pushStats(id, 99, 3);
        await().atMost(HANG).until(() -> hub.snapshot(id).memoryBytes() == 99);

        // a snapshot that waited for the engine would hang here for the five minutes of its engine timeout
        ServerStats again = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> hub.snapshot(id));
        assertThat(again.sampled()).isTrue();
        assertThat(again.cpuAbsolute()).isEqualTo(3);
        assertThat(engine.calls(FakeEngine.Verb.STATS)).as("one engine stream for all of them").isEqualTo(1);
    }

    @Test
    void aNewSubscriberIsNeverShownZerosBeforeTheFirstReading() {
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 1);
        engine.pushStats(id, 4_242, 7);
        await().atMost(HANG).until(() -> r.last() != null);
        assertThat(r.seen.getFirst().sampled()).isTrue();
        assertThat(r.seen.getFirst().memoryBytes()).isEqualTo(4_242);
    }

    @Test
    void aNewWatchOfARunStartsFromItsRememberedReading() throws Exception {
        hub.close();
        hub = new StatsHub(runtime, runs, bus, source, StatsSettings.defaults().withPublishEvery(Duration.ofMillis(50))
                .withRecheckEvery(Duration.ofMillis(100)).withWarmFor(Duration.ofSeconds(1)));
        CompletableFuture<ServerStats> snapshot = CompletableFuture.supplyAsync(() -> hub.snapshot(id));
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 1);
        engine.pushStats(id, 77, 1);
        engine.pushStats(id, 77, 2);
        snapshot.get(HANG.toSeconds(), TimeUnit.SECONDS);
        await().atMost(HANG).until(() -> hub.watchedServers() == 0 && engine.openStatsStreams() == 0);

        Recorder r = new Recorder();
        hub.subscribe(id, r); // the engine brings nothing new: the first reading shown is the remembered one
        await().atMost(HANG).until(() -> r.last() != null);
        assertThat(r.seen.getFirst().sampled()).isTrue();
        assertThat(r.seen.getFirst().memoryBytes()).isEqualTo(77);
    }

    @Test
    void anOfflineServerReadsAsZerosWithItsStateAndNoEngineStream() {
        runs.set(id, ServerState.OFFLINE, ref, started);
        ServerStats s = hub.snapshot(id);
        assertThat(s.state()).isEqualTo(ServerState.OFFLINE);
        assertThat(s.memoryBytes()).isZero();
        assertThat(s.uptimeMillis()).isZero();
        assertThat(engine.openStatsStreams()).isZero();
    }

    @Test
    void stoppingIsPublishedAtOnceAndARestartReopensTheStream() {
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 1);
        engine.pushStats(id, 1_000, 5);
        await().atMost(HANG).until(() -> r.last() != null && r.last().memoryBytes() == 1_000);

        runs.set(id, ServerState.OFFLINE, ref, started);
        bus.publish(new ServerEvent.StateChanged(id, Instant.now(), ServerState.RUNNING, ServerState.OFFLINE, "stopped"));
        await().atMost(HANG).until(() -> r.last().state() == ServerState.OFFLINE && r.last().memoryBytes() == 0);

        Instant again = engine.start(id);
        runs.set(id, ServerState.RUNNING, ref, again);
        bus.publish(new ServerEvent.ContainerStarted(id, Instant.now(), ref.id(), again, again));
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 1 && hub.openEngineStreams() == 1);
        engine.pushStats(id, 2_000, 5);
        await().atMost(HANG).until(() -> r.last().state() == ServerState.RUNNING && r.last().memoryBytes() == 2_000);
    }

    @Test
    void deletingTheServerEndsItsListenersAndStream() throws Exception {
        Recorder r = new Recorder();
        StatsSubscription sub = hub.subscribe(id, r);
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 1);
        bus.publish(new ServerEvent.Deleted(id, Instant.now()));
        await().atMost(HANG).until(() -> r.ends.contains(StatsListener.EndReason.SERVER_DELETED));
        assertThat(sub.awaitTermination(HANG)).isTrue();
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 0 && engine.openStatsStreams() == 0);
        assertThat(hub.subscriberCount()).isZero();
    }

    @Test
    void closingTheHubEndsEveryStreamAndThread() {
        Recorder stuck = new Recorder();
        stuck.gate = new CountDownLatch(1);
        Recorder r = new Recorder();
        hub.subscribe(id, stuck);
        hub.subscribe(id, r);
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 1);
        hub.close();
        // the listener hears the end on its own thread, which close() waits for only about a second in all (and the
        // stuck one takes that second): on a loaded machine it may hear it just after close() returns
        await().atMost(HANG).untilAsserted(() -> assertThat(r.ends).containsExactly(StatsListener.EndReason.HUB_CLOSED));
        await().atMost(HANG).until(() -> engine.openStatsStreams() == 0 && hub.openEngineStreams() == 0
                && LiveThreads.named(THREADS) == 0);
    }
}
