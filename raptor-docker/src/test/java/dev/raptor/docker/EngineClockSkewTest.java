package dev.raptor.docker;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.testing.EngineProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A daemon whose clock is minutes ahead of or behind its engine's (an engine over TCP on another host, a Swarm
 * node): the real engine, and a runtime whose clock is shifted. Each of these lost, doubled or replayed
 * output and events before the engine's clock was measured and its stamps translated ({@link EngineClock}).
 */
class EngineClockSkewTest extends EngineTest {
    private static final Duration SKEW = Duration.ofMinutes(5);
    /** A flood of 100,000 lines takes tens of seconds on a busy machine: a deadline that only catches a hang. */
    private static final Duration FLOOD_PATIENCE = Duration.ofMinutes(5);

    private final List<DockerRuntime> skewed = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeTheSkewedRuntimes() {
        skewed.forEach(DockerRuntime::close);
    }

    /** A runtime on the same engine whose clock runs {@code shift} ahead of it (negative: behind). */
    private DockerRuntime daemonShiftedBy(Duration shift) {
        DockerRuntime r = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost())
                .withClock(Clock.offset(Clock.systemUTC(), shift)));
        skewed.add(r);
        return r;
    }

    /** The daemon's "now" as the skewed runtime reads it, once it has met the engine. */
    private static Instant daemonNow(DockerRuntime r) {
        return r.connection().clock().now();
    }

    @Test
    void aRunsReadyLineIsSeenWhenTheDaemonsClockIsAheadOfTheEngines() {
        DockerRuntime daemon = daemonShiftedBy(SKEW);
        ContainerRef ref = create(spec().build()).ref();
        daemon.inspect(ref, soon()); // meets the engine (and measures its clock)

        Instant requested = daemonNow(daemon); // what the boot watch takes as the run's beginning
        daemon.start(ref, soon());
        follow(ref).awaitLine(TestEngine.DONE_LINE); // the ready line is in the engine's log by now

        // the boot watch following the run from its start (as after a broken stream): the ready line is there
        Collector<LogLine> boot = new Collector<>();
        closeAfterTest(daemon.logs(ref, LogRequest.followSince(requested), boot));
        await().atMost(PATIENCE).until(() -> boot.hasLine(TestEngine.DONE_LINE));
        LogLine ready = boot.items.stream().filter(l -> l.text().equals(TestEngine.DONE_LINE)).findFirst().orElseThrow();
        assertThat(ready.at()).as("stamped in the daemon's time, within this run").isAfterOrEqualTo(requested);
    }

    @Test
    void aRestartDoesNotReplayThePreviousRunWhenTheDaemonsClockIsBehindTheEngines() {
        DockerRuntime daemon = daemonShiftedBy(SKEW.negated());
        Console first = startBooted(spec().build());
        ContainerRef ref = first.ref();
        runtime.sendInput(ref, "say first run", soon());
        first.awaitLine("[Server] first run");
        runtime.sendInput(ref, "stop", soon());
        await().atMost(PATIENCE).until(() -> !runtime.inspect(ref, soon()).running());
        daemon.inspect(ref, soon());

        Instant requested = daemonNow(daemon);
        daemon.start(ref, soon());
        Collector<LogLine> boot = new Collector<>();
        closeAfterTest(daemon.logs(ref, LogRequest.followSince(requested), boot));

        await().atMost(PATIENCE).until(() -> boot.hasLine(TestEngine.DONE_LINE));
        // the history comes in order: had the first run come back, its lines would be here before this Done
        assertThat(boot.texts()).doesNotContain("[Server] first run", "Stopping server");
        assertThat(boot.texts().stream().filter(TestEngine.DONE_LINE::equals)).hasSize(1);
        assertThat(boot.items).allSatisfy(l -> assertThat(l.at()).isAfterOrEqualTo(requested));
    }

    @Test
    void aFollowJoinedDuringAFloodDeliversEveryLineOnceWhenTheDaemonsClockIsAheadOfTheEngines() {
        // joins the console (history, then the attach) while a flood is printed: the seam must neither lose nor double
        DockerRuntime daemon = daemonShiftedBy(SKEW);
        int lines = 100_000;
        ContainerRef ref = startBooted(spec().build()).ref();
        daemon.inspect(ref, soon());
        List<Integer> numbers = new ArrayList<>(lines + 16);
        AtomicInteger count = new AtomicInteger();
        AtomicBoolean over = new AtomicBoolean();

        runtime.sendInput(ref, "flood " + lines, soon());
        runtime.sendInput(ref, "say flood over", soon());
        closeAfterTest(daemon.logs(ref, LogRequest.follow(-1), line -> {
            if (line.text().startsWith("line ")) {
                synchronized (numbers) {
                    numbers.add(Integer.parseInt(line.text().substring(5)));
                }
                count.incrementAndGet();
            } else if (line.text().equals("[Server] flood over")) {
                over.set(true);
            }
        }));

        await().atMost(FLOOD_PATIENCE).untilTrue(over);
        synchronized (numbers) {
            assertThat(count).as("every flood line once").hasValue(lines);
            for (int i = 0; i < numbers.size(); i++) {
                if (numbers.get(i) != i + 1) {
                    throw new AssertionError("line " + (i + 1) + " of the console is flood line " + numbers.get(i)
                            + ": lines lost or doubled at the seam");
                }
            }
        }
    }

    @Test
    void eventsOfTheMomentsBeforeSubscribingAreNotReplayedWhenTheDaemonsClockIsBehindTheEngines() {
        DockerRuntime daemon = daemonShiftedBy(SKEW.negated());
        Console earlier = startBooted(spec().build());
        runtime.sendInput(earlier.ref(), "stop", soon());
        await().atMost(PATIENCE).until(() -> !runtime.inspect(earlier.ref(), soon()).running());
        ContainerRef later = create(spec().build()).ref();
        daemon.inspect(later, soon());

        Collector<RuntimeEvent> events = new Collector<>();
        closeAfterTest(daemon.events(events));
        runtime.start(later, soon());

        await().atMost(PATIENCE).until(() -> of(events, later.serverId()).stream().anyMatch(RuntimeEvent.Started.class::isInstance));
        assertThat(of(events, earlier.ref().serverId())).as("the earlier server's start and exit, replayed").isEmpty();
        RuntimeEvent started = of(events, later.serverId()).getFirst();
        // in the daemon's time, placed at the latest instant it can stand for (within the offset's uncertainty)
        Instant now = daemonNow(daemon).plus(daemon.connection().clock().uncertainty());
        assertThat(started.at()).as("told in the daemon's time").isBetween(now.minus(PATIENCE), now);
    }

    @Test
    void eventsBeforeTheEngineAnswersTheSubscriptionArriveWhenTheDaemonsClockIsAheadOfTheEngines(@TempDir Path dir)
            throws IOException {
        try (EngineProxy proxy = new EngineProxy(dir.resolve("proxy.sock"), TestEngine.dockerHost())) {
            DockerRuntime daemon = DockerRuntime.connect(DockerRuntimeConfig.of(proxy.dockerHost())
                    .withClock(Clock.offset(Clock.systemUTC(), SKEW)));
            skewed.add(daemon);
            ContainerRef ref = create(spec().build()).ref();
            daemon.inspect(ref, soon());

            // subscribed, but the engine does not answer yet: what happens meanwhile is the first window's
            proxy.cutAndRefuse();
            Collector<RuntimeEvent> events = new Collector<>();
            closeAfterTest(daemon.events(events));
            runtime.start(ref, soon());
            runtime.kill(ref, soon());
            assertThat(runtime.awaitExit(ref, Deadline.in(PATIENCE))).contains(137);
            proxy.resume();

            await().atMost(PATIENCE).until(() -> of(events, ref.serverId()).stream().anyMatch(RuntimeEvent.Exited.class::isInstance));
            assertThat(of(events, ref.serverId())).extracting(e -> e.getClass().getSimpleName()).containsExactly("Started", "Exited");
        }
    }

    private static List<RuntimeEvent.ContainerEvent> of(Collector<RuntimeEvent> events, UUID serverId) {
        return events.items.stream()
                .filter(e -> e instanceof RuntimeEvent.ContainerEvent c && c.ref().serverId().equals(serverId))
                .map(e -> (RuntimeEvent.ContainerEvent) e)
                .toList();
    }
}
