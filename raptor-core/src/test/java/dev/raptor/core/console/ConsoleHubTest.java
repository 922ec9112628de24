package dev.raptor.core.console;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console hub's fan-out, queueing and stream lifecycle, on the in-memory engine, with lines the
 * test prints into the server's container itself (the socket-level acceptance tests in raptor-api run
 * against a real engine).
 */
class ConsoleHubTest extends RunningServerFixture {
    private static final String[] THREADS = {"console-", FakeEngine.STREAM_THREADS};

    private ConsoleHub hub;

    @AfterEach
    void closeHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private ConsoleHub hub(ConsoleSettings settings) {
        hub = new ConsoleHub(runtime, runs, bus, settings);
        return hub;
    }

    private ConsoleHub hub() {
        return hub(ConsoleSettings.defaults().withRecheckEvery(Duration.ofMillis(100)));
    }

    /** Records what one subscriber was handed. */
    static final class Recorder implements ConsoleListener {
        private final ReentrantLock lock = new ReentrantLock();
        private final List<String> texts = new ArrayList<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final List<Long> dropNotices = new CopyOnWriteArrayList<>();
        final List<EndReason> ends = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate;
        final AtomicInteger calls = new AtomicInteger();
        /** The batch objects handed over, in order (identity matters: subscribers share them). */
        final List<Batch> batches = new CopyOnWriteArrayList<>();

        @Override
        public void lines(Batch batch) {
            batches.add(batch);
            lines(batch.lines());
        }

        @Override
        public void lines(List<LogLine> batch) {
            calls.incrementAndGet();
            holdAt(gate);
            batchSizes.add(batch.size());
            lock.lock();
            try {
                batch.forEach(l -> texts.add(l.text()));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void dropped(long count) {
            dropNotices.add(count);
        }

        @Override
        public void ended(EndReason reason) {
            ends.add(reason);
        }

        List<String> texts() {
            lock.lock();
            try {
                return List.copyOf(texts);
            } finally {
                lock.unlock();
            }
        }

        int size() {
            lock.lock();
            try {
                return texts.size();
            } finally {
                lock.unlock();
            }
        }
    }

    private static List<String> lines(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
    }

    private void emit(String prefix, int from, int to) {
        for (int i = from; i <= to; i++) {
            engine.emit(id, prefix + i);
        }
    }

    /** Waits until the hub follows the server, so that what is emitted next counts as live output. */
    private void awaitFollowing() {
        await().atMost(HANG).until(() -> engine.openLogStreams() == 1 && hub.openEngineStreams() == 1);
    }

    // ------------------------------------------------------------------ sharing and lifecycle

    @Test
    void subscribersOfOneServerShareOneEngineStreamThatClosesWithTheLastOfThem() throws Exception {
        ConsoleHub hub = hub();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        ConsoleSubscription sa = hub.subscribe(id, a);
        ConsoleSubscription sb = hub.subscribe(id, b);
        awaitFollowing();
        emit("line ", 1, 3);
        await().atMost(HANG).until(() -> a.size() == 3 && b.size() == 3);
        assertThat(hub.subscriberCount(id)).isEqualTo(2);
        assertThat(engine.logRequests().stream().filter(LogRequest::follow)).hasSize(1);

        sa.close();
        assertThat(hub.openEngineStreams()).isEqualTo(1);
        emit("line ", 4, 4);
        await().atMost(HANG).until(() -> b.size() == 4);
        assertThat(a.texts()).containsExactlyElementsOf(lines("line ", 1, 3));

        sb.close();
        await().atMost(HANG).until(() -> engine.openLogStreams() == 0 && hub.openEngineStreams() == 0);
        assertThat(hub.subscriberCount()).isZero();
        assertThat(hub.watchedServers()).isZero();
        assertThat(sa.awaitTermination(HANG) && sb.awaitTermination(HANG)).isTrue();
        await().atMost(HANG).until(() -> LiveThreads.named(THREADS) == 0);
    }

    @Test
    void everySubscriberGetsEveryLineInOrder() {
        ConsoleHub hub = hub();
        List<Recorder> recorders = IntStream.range(0, 20).mapToObj(i -> new Recorder()).toList();
        recorders.forEach(r -> hub.subscribe(id, r));
        awaitFollowing();
        emit("line ", 1, 20_000);
        await().atMost(HANG).until(() -> recorders.stream().allMatch(r -> r.size() >= 20_000));
        List<String> expected = lines("line ", 1, 20_000);
        for (Recorder r : recorders) {
            assertThat(r.texts()).isEqualTo(expected);
            assertThat(r.dropNotices).isEmpty();
        }
    }

    @Test
    void subscribersThatKeepUpAreHandedTheSameBatchesAndStillEveryLineOnceInOrder() {
        ConsoleHub hub = hub();
        List<Recorder> recorders = IntStream.range(0, 20).mapToObj(i -> new Recorder()).toList();
        recorders.forEach(r -> hub.subscribe(id, r));
        awaitFollowing();
        emit("line ", 1, 20_000);
        await().atMost(HANG).until(() -> recorders.stream().allMatch(r -> r.size() >= 20_000));

        List<String> expected = lines("line ", 1, 20_000);
        Set<ConsoleListener.Batch> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        int deliveries = 0;
        for (Recorder r : recorders) {
            assertThat(r.texts()).isEqualTo(expected);
            assertThat(r.dropNotices).isEmpty();
            distinct.addAll(r.batches);
            deliveries += r.batches.size();
        }
        // unshared, every delivery would be a batch of its own; shared, most are handed to many subscribers
        assertThat(distinct.size()).as("distinct batches of %d deliveries", deliveries).isLessThanOrEqualTo(deliveries / 2);
    }

    @Test
    void aSubscriberThatStopsReadingLosesOnlyItsOwnOldestLinesAndSlowsNobody() {
        ConsoleHub hub = hub(ConsoleSettings.defaults().withQueueLines(1_000));
        Recorder stuck = new Recorder();
        stuck.gate = new CountDownLatch(1);
        Recorder healthy = new Recorder();
        ConsoleSubscription stuckSub = hub.subscribe(id, stuck);
        hub.subscribe(id, healthy);
        awaitFollowing();
        for (int chunk = 0; chunk < 40; chunk++) {  // paced so that the healthy one, not the engine, sets the speed
            emit("line ", chunk * 500 + 1, chunk * 500 + 500);
            int upTo = chunk * 500 + 500;
            await().atMost(HANG).pollInterval(Duration.ofMillis(5)).until(() -> healthy.size() == upTo);
            if (chunk == 0) {
                // the stuck one holds (part of) the first chunk before the second is printed: a delivery thread that
                // ran only after it would take up to a whole queue into its blocked delivery
                await().atMost(HANG).until(() -> stuck.calls.get() == 1);
            }
        }

        assertThat(healthy.texts()).isEqualTo(lines("line ", 1, 20_000));
        assertThat(stuckSub.queueDepth()).isLessThanOrEqualTo(1_000);
        // at most the first chunk is in the blocked delivery; the rest is either queued (≤ 1,000) or dropped
        assertThat(stuckSub.droppedTotal()).isGreaterThanOrEqualTo(20_000 - 1_000 - 500);

        stuck.gate.countDown();
        await().atMost(HANG).until(() -> stuck.texts().contains("line 20000"));
        assertThat(stuck.dropNotices).hasSize(1);
        assertThat(stuck.size() + stuck.dropNotices.getFirst()).isEqualTo(20_000);
        List<String> got = stuck.texts();
        assertThat(got.subList(got.size() - 1_000, got.size())).isEqualTo(lines("line ", 19_001, 20_000));
        assertThat(stuckSub.queueDepth()).isZero();
    }

    @Test
    void aSlowSubscriberHearsOfEachOverflowEpisodeOnceWithTheExactCount() throws Exception {
        ConsoleHub hub = hub(ConsoleSettings.defaults().withQueueLines(100));
        Recorder slow = new Recorder();
        slow.gate = new CountDownLatch(1);
        ConsoleSubscription sub = hub.subscribe(id, slow);
        awaitFollowing();

        emit("a", 1, 1);
        await().atMost(HANG).until(() -> slow.calls.get() == 1);  // stuck in its first delivery
        emit("a", 2, 500);                       // episode 1
        await().atMost(HANG).until(() -> sub.droppedTotal() > 0);
        slow.gate.countDown();
        await().atMost(HANG).until(() -> sub.queueDepth() == 0 && slow.texts().contains("a500"));
        slow.gate = new CountDownLatch(1);
        int callsBefore = slow.calls.get();
        emit("b", 1, 1);                         // delivered, and blocks the listener again
        await().atMost(HANG).until(() -> slow.calls.get() == callsBefore + 1);
        emit("b", 2, 400);                       // episode 2
        await().atMost(HANG).until(() -> sub.droppedTotal() > 400 - 100);
        slow.gate.countDown();
        await().atMost(HANG).until(() -> slow.texts().contains("b400"));

        assertThat(slow.dropNotices).hasSize(2);
        assertThat(slow.size() + slow.dropNotices.stream().mapToLong(Long::longValue).sum()).isEqualTo(900);
        assertThat(sub.droppedTotal()).isEqualTo(slow.dropNotices.stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aFloodReachesAWaitingSubscriberAsOneLargeBatchRatherThanManySmallOnes() {
        ConsoleHub hub = hub(ConsoleSettings.defaults().withBatching(5_000, 20));
        Recorder r = new Recorder();
        ConsoleSubscription sub = blockedWithLinesBehind(hub, r, 4_000);
        r.gate.countDown();
        await().atMost(HANG).until(() -> r.size() == 4_001);
        assertThat(r.batchSizes).containsExactly(1, 4_000);
        assertThat(r.texts()).isEqualTo(lines("line ", 1, 4_001));
    }

    @Test
    void aSubscriberHalfAQueueBehindCatchesUpInBatchesLargerThanTheLimit() {
        ConsoleHub hub = hub(ConsoleSettings.defaults().withQueueLines(10_000).withBatching(1_000, 20));
        Recorder r = new Recorder();
        ConsoleSubscription sub = blockedWithLinesBehind(hub, r, 6_000);   // more than half its queue behind
        r.gate.countDown();
        await().atMost(HANG).until(() -> r.size() == 6_001);
        // 4 x 1,000 while half a queue behind, then the usual limit for the 2,000 left
        assertThat(r.batchSizes).containsExactly(1, 4_000, 1_000, 1_000);
        assertThat(r.texts()).isEqualTo(lines("line ", 1, 6_001));
        assertThat(sub.droppedTotal()).isZero();
    }

    /**
     * Subscribes {@code r} with its delivery blocked on {@code r.gate} while it holds line 1, and queues lines 2 to
     * {@code behind + 1} behind it: the subscriber is {@code behind} lines behind when the gate opens.
     */
    private ConsoleSubscription blockedWithLinesBehind(ConsoleHub hub, Recorder r, int behind) {
        r.gate = new CountDownLatch(1);
        ConsoleSubscription sub = hub.subscribe(id, r);
        awaitFollowing();
        emit("line ", 1, 1);
        await().atMost(HANG).until(() -> r.calls.get() == 1);       // the first line is in the blocked delivery
        emit("line ", 2, behind + 1);
        await().atMost(HANG).until(() -> sub.queueDepth() == behind);
        return sub;
    }

    @Test
    void deliveriesToOneSubscriberAreRateLimitedWithoutLosingLines() throws Exception {
        ConsoleHub hub = hub(ConsoleSettings.defaults().withBatching(2_000, 5)); // at most one delivery per 200 ms
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        awaitFollowing();
        long t0 = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            engine.emit(id, "line " + i);
            Thread.sleep(10); // pacing under test: lines that trickle in over a second, so the rate limit is what batches them
        }
        await().atMost(HANG).until(() -> r.size() == 100);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.batchSizes.size()).isLessThanOrEqualTo((int) (elapsedMs / 200) + 2);
        assertThat(r.texts()).isEqualTo(lines("line ", 1, 100));
    }

    // ------------------------------------------------------------------ restarts and reconnects

    @Test
    void aRestartKeepsSubscribersAttachedAndDeliversTheNewBootFromItsFirstLine() {
        ConsoleHub hub = hub();
        Recorder r = new Recorder();
        ConsoleSubscription sub = hub.subscribe(id, r);
        awaitFollowing();
        emit("run1 ", 1, 3);
        await().atMost(HANG).until(() -> r.size() == 3);

        engine.stop(id);
        runs.set(id, ServerState.OFFLINE, ref, started);
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 0);
        Instant second = engine.start(id);
        emit("boot ", 1, 5);                     // printed before the controller announces the run
        runs.set(id, ServerState.RUNNING, ref, second);
        bus.publish(new ServerEvent.ContainerStarted(id, Instant.now(), ref.id(), second, second));
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 1);
        emit("run2 ", 1, 2);

        await().atMost(HANG).until(() -> r.size() == 10);
        assertThat(r.texts()).containsExactly("run1 1", "run1 2", "run1 3", "boot 1", "boot 2", "boot 3", "boot 4", "boot 5",
                "run2 1", "run2 2");
        assertThat(engine.logRequests().getLast()).isEqualTo(LogRequest.followSince(second));
        assertThat(sub.isOpen()).isTrue();
    }

    @Test
    void anAnnouncementOfTheRunAlreadyFollowedChangesNothing() {
        ConsoleHub hub = hub();
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        awaitFollowing();
        int requests = engine.logRequests().size();
        bus.publish(new ServerEvent.ContainerStarted(id, Instant.now(), ref.id(), started, started));
        emit("line ", 1, 3);
        await().atMost(HANG).until(() -> r.size() == 3);
        assertThat(engine.logRequests()).hasSize(requests);
    }

    @Test
    void aBrokenEngineStreamIsReopenedWhereItBrokeOffWithoutRepeatingLinesOfTheSameInstant() {
        ConsoleHub hub = hub();
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        awaitFollowing();
        engine.emit(id, "one");
        engine.emit(id, "two", true);           // same timestamp as "one"
        await().atMost(HANG).until(() -> r.size() == 2);

        engine.breakStreams(id);
        engine.emit(id, "three", true);         // still the same instant, printed while nobody follows
        await().atMost(HANG).until(() -> engine.openLogStreams() == 1 && hub.openEngineStreams() == 1
                && engine.logRequests().getLast().since() != null);
        engine.emit(id, "four");

        await().atMost(HANG).until(() -> r.size() == 4);
        assertThat(r.texts()).containsExactly("one", "two", "three", "four");
    }

    // ------------------------------------------------------------------ history

    @Test
    void historyJoinsLiveOutputWithoutAGapOrARepeat() {
        emit("old ", 1, 50);
        ConsoleHub hub = hub();
        Recorder r = new Recorder();
        ConsoleSubscription sub = hub.subscribe(id, r);
        awaitFollowing();
        emit("new ", 1, 10);
        await().atMost(HANG).until(() -> r.size() == 10);

        assertThat(sub.history(100).stream().map(LogLine::text)).containsExactlyElementsOf(lines("old ", 1, 50));
        assertThat(sub.history(5).stream().map(LogLine::text)).containsExactlyElementsOf(lines("old ", 46, 50));
        assertThat(r.texts()).isEqualTo(lines("new ", 1, 10));

        Recorder late = new Recorder();
        ConsoleSubscription lateSub = hub.subscribe(id, late);
        assertThat(lateSub.history(3).stream().map(LogLine::text)).containsExactly("new 8", "new 9", "new 10");
    }

    /**
     * A run whose start is not known and a log that is empty when the hub reads its history: a line the server writes
     * the instant after that read, before the follow is asked for, is in neither unless the follow takes the whole log.
     */
    @Test
    void aLineWrittenBetweenAnEmptyHistoryAndTheFollowIsDeliveredOnce() {
        Recorder r = new Recorder();
        ConsoleSubscription sub = subscribedAcrossALineAfterTheHistoryRead(r, false);

        assertThat(r.texts()).as("the line between the history read and the follow, once, then the rest").containsExactly("between",
                "after 1", "after 2");
        assertThat(sub.history(10)).as("it came after the history").isEmpty();
        assertThat(engine.logRequests()).containsExactly(LogRequest.history(hub.settings().historyLines()), LogRequest.follow(-1));
    }

    @Test
    void aLineWrittenBetweenAHistoryAndTheFollowIsDeliveredOnceAfterIt() {
        emit("old ", 1, 3);
        Recorder r = new Recorder();
        ConsoleSubscription sub = subscribedAcrossALineAfterTheHistoryRead(r, true); // at the last stamp read

        assertThat(r.texts()).containsExactly("between", "after 1", "after 2");
        assertThat(sub.history(10).stream().map(LogLine::text)).containsExactlyElementsOf(lines("old ", 1, 3));
    }

    /**
     * Subscribes {@code r} to a run whose start is unknown while the server prints "between" the instant after the
     * hub's history read (at the stamp of the line before it when {@code atTheLastStamp}), then "after 1" and
     * "after 2" once the hub follows; returns when "after 2" has arrived.
     */
    private ConsoleSubscription subscribedAcrossALineAfterTheHistoryRead(Recorder r, boolean atTheLastStamp) {
        runs.setStartUnknown(id, ServerState.RUNNING, ref);
        engine.on(FakeEngine.Verb.LOGS).forServer(id).once().then(() -> engine.emit(id, "between", atTheLastStamp));
        ConsoleSubscription sub = hub().subscribe(id, r);
        awaitFollowing();
        emit("after ", 1, 2);
        await().atMost(HANG).until(() -> r.texts().contains("after 2"));
        return sub;
    }

    @Test
    void tailIsServedFromTheBufferWhileWatchedAndFromTheEngineOtherwise() {
        emit("line ", 1, 20);
        ConsoleHub hub = hub(ConsoleSettings.defaults().withHistoryLines(10));
        assertThat(hub.tail(id, 3).stream().map(LogLine::text)).containsExactly("line 18", "line 19", "line 20");
        assertThat(engine.logRequests()).containsExactly(LogRequest.history(3));

        hub.subscribe(id, new Recorder());
        awaitFollowing();
        emit("line ", 21, 22);
        int requests = engine.logRequests().size();
        await().atMost(HANG).until(() -> hub.tail(id, 2).stream().map(LogLine::text).toList().equals(List.of("line 21", "line 22")));
        assertThat(hub.tail(id, 12).stream().map(LogLine::text)).containsExactlyElementsOf(lines("line ", 11, 22)); // beyond the buffer: the engine
        assertThat(engine.logRequests()).hasSize(requests + 1);
        assertThat(hub.openEngineStreams()).isEqualTo(1);
    }

    @Test
    void aServerThatIsOfflineWhenWatchedIsFollowedOnceItStarts() {
        engine.stop(id);
        runs.set(id, ServerState.OFFLINE, ref, started);
        ConsoleHub hub = hub();
        Recorder r = new Recorder();
        hub.subscribe(id, r);
        await().during(Duration.ofMillis(300)).atMost(HANG).until(() -> hub.openEngineStreams() == 0);

        Instant next = engine.start(id);
        emit("boot ", 1, 2);
        runs.set(id, ServerState.STARTING, ref, next);
        bus.publish(new ServerEvent.ContainerStarted(id, Instant.now(), ref.id(), next, next));
        await().atMost(HANG).until(() -> r.size() == 2);
        assertThat(r.texts()).containsExactly("boot 1", "boot 2");
    }

    @Test
    void theHubCountsEachServersLinesAndTheLinesItsSubscribersLostAndForgetsThemWithTheServer() throws Exception {
        ConsoleHub hub = hub(ConsoleSettings.defaults().withQueueLines(100));
        Recorder stuck = new Recorder();
        stuck.gate = new CountDownLatch(1);
        ConsoleSubscription sub = hub.subscribe(id, stuck);
        awaitFollowing();
        emit("line ", 1, 1_000);
        await().atMost(HANG).until(() -> hub.counts().lines(id) == 1_000);
        await().atMost(HANG).until(() -> sub.droppedTotal() >= 800);
        stuck.gate.countDown();
        await().atMost(HANG).until(() -> stuck.texts().contains("line 1000"));
        assertThat(hub.counts().dropped(id)).isEqualTo(stuck.dropNotices.stream().mapToLong(Long::longValue).sum()).isPositive();

        sub.close();
        assertThat(hub.counts().lines(id)).as("counts outlive a watch").isEqualTo(1_000);
        bus.publish(new ServerEvent.Deleted(id, Instant.now()));
        await().atMost(HANG).until(() -> hub.counts().lines(id) == 0);
    }

    // ------------------------------------------------------------------ endings

    @Test
    void deletingTheServerEndsItsSubscribersAndItsStream() throws Exception {
        ConsoleHub hub = hub();
        Recorder r = new Recorder();
        ConsoleSubscription sub = hub.subscribe(id, r);
        awaitFollowing();
        bus.publish(new ServerEvent.Deleted(id, Instant.now()));
        await().atMost(HANG).until(() -> r.ends.size() == 1);
        assertThat(r.ends).containsExactly(ConsoleListener.EndReason.SERVER_DELETED);
        assertThat(sub.isOpen()).isFalse();
        assertThat(sub.awaitTermination(HANG)).isTrue();
        await().atMost(HANG).until(() -> hub.openEngineStreams() == 0 && engine.openLogStreams() == 0);
        assertThat(hub.subscriberCount()).isZero();
        sub.close(); // the owner's close afterwards is harmless
        await().atMost(HANG).until(() -> LiveThreads.named(THREADS) == 0);
    }

    @Test
    void closingTheHubEndsEveryStreamAndThread() {
        ConsoleHub hub = hub();
        Recorder stuck = new Recorder();
        stuck.gate = new CountDownLatch(1);
        hub.subscribe(id, stuck);
        List<Recorder> others = IntStream.range(0, 5).mapToObj(i -> new Recorder()).toList();
        others.forEach(r -> hub.subscribe(id, r));
        awaitFollowing();
        emit("line ", 1, 10);
        await().atMost(HANG).until(() -> others.stream().allMatch(r -> r.size() == 10));

        hub.close();
        assertThat(hub.openEngineStreams()).isZero();
        // each listener hears the end on its own thread, which close() waits for only about a second in all (and the
        // stuck one takes that second): on a loaded machine the others may hear it just after close() returns
        await().atMost(HANG).untilAsserted(() ->
                assertThat(others).allSatisfy(r -> assertThat(r.ends).containsExactly(ConsoleListener.EndReason.HUB_CLOSED)));
        await().atMost(HANG).until(() -> engine.openLogStreams() == 0 && LiveThreads.named(THREADS) == 0);
    }

    @Test
    void aThousandSubscribeAndCloseCyclesLeaveNoThreadSubscriberOrStreamBehind() throws Exception {
        ConsoleHub hub = hub();
        AtomicInteger received = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> cycles = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                cycles.add(pool.submit(() -> {
                    ConsoleSubscription s = hub.subscribe(id, batch -> received.addAndGet(batch.size()));
                    s.history(10);
                    s.close();
                    return null;
                }));
                if (i % 100 == 0) {
                    engine.emit(id, "tick " + i);
                }
            }
            for (Future<?> f : cycles) {
                f.get(HANG.toSeconds(), TimeUnit.SECONDS);
            }
        }
        await().atMost(HANG).until(() -> hub.subscriberCount() == 0 && hub.watchedServers() == 0
                && hub.openEngineStreams() == 0 && engine.openLogStreams() == 0);
        // none at all, as after the other tests here: a count taken at the start could include the threads of the test
        // before, which a loaded machine may still be ending then, and which never come back
        await().atMost(HANG).until(() -> LiveThreads.named(THREADS) == 0);
    }
}
