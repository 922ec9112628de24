package dev.raptor.core.testing;

import dev.raptor.core.console.LiveThreads;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeEngine.Verb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The fake honours the runtime SPI as the real runtimes do (their own tests check the same against the
 * engine and real processes), and its scripts do what they say: otherwise a test on it would prove nothing.
 */
class FakeRuntimeTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = runtime.engine();

    @AfterEach
    void close() {
        runtime.close();
    }

    private static ServerSpec.Builder game() {
        return ServerSpec.builder("raptor-test/gameserver:1").name("fake");
    }

    private ContainerInfo created(ServerSpec spec) {
        return runtime.create(spec, dir, Deadline.in(HANG));
    }

    private ContainerInfo started(ServerSpec spec) {
        ContainerInfo c = created(spec);
        runtime.start(c.ref(), Deadline.in(HANG));
        return c;
    }

    private static Deadline soon() {
        return Deadline.in(HANG);
    }

    /** Follows the container's output; the lines arrive in the returned list. */
    private Subscription follow(ContainerRef ref, LogRequest request, List<String> into, AtomicReference<Throwable> end) {
        return runtime.logs(ref, request, new StreamSink<>() {
            @Override
            public void next(LogLine line) {
                into.add(line.text());
            }

            @Override
            public void end(Throwable error) {
                end.set(error == null ? new Throwable("normal end") : error);
            }
        });
    }

    // ------------------------------------------------------------------ containers, labels, typed failures

    @Test
    void aContainerIsMadeWithTheServersNameAndLabelsAndFoundByThem() {
        ServerSpec spec = game().build();
        ContainerInfo c = created(spec);
        assertThat(c.ref().name()).isEqualTo(RuntimeLabels.containerName(spec.id()));
        assertThat(c.status()).isEqualTo(ContainerStatus.CREATED);
        assertThat(c.specHash()).isEqualTo(SpecHash.of(spec));
        assertThat(c.labels()).containsEntry(RuntimeLabels.SERVER, spec.id().toString()).doesNotContainKey(RuntimeLabels.NODE);
        assertThat(runtime.find(spec.id(), soon())).containsExactly(runtime.inspect(c.ref(), soon()));
        assertThat(runtime.listOwned(soon())).extracting(ContainerInfo::ref).containsExactly(c.ref());
    }

    @Test
    void aNameTakenIsAConflictAMissingImageIsNotFoundAndASpecWithoutAnImageIsRejected() {
        ServerSpec spec = game().build();
        created(spec);
        assertThatThrownBy(() -> created(spec)).isInstanceOf(EngineException.Conflict.class);
        engine.missingImage("gone:1");
        assertThatThrownBy(() -> created(game().image("gone:1").build())).isInstanceOf(EngineException.NotFound.class);
        assertThatThrownBy(() -> created(ServerSpec.builder().name("no image").startup("x").build()))
                .isInstanceOf(EngineException.Rejected.class);
    }

    @Test
    void startStopKillAndSignalAreIdempotentAndAMissingContainerIsNotFound() {
        ContainerInfo c = started(game().build());
        runtime.start(c.ref(), soon());
        runtime.kill(c.ref(), soon());
        runtime.kill(c.ref(), soon());
        runtime.signal(c.ref(), "TERM", soon());
        assertThat(runtime.inspect(c.ref(), soon()).exitCode()).isEqualTo(137);
        assertThatThrownBy(() -> runtime.sendInput(c.ref(), "say hi", soon())).isInstanceOf(EngineException.Conflict.class);

        runtime.remove(c.ref(), soon());
        for (Runnable call : List.<Runnable>of(() -> runtime.remove(c.ref(), soon()), () -> runtime.kill(c.ref(), soon()),
                () -> runtime.signal(c.ref(), "SIGTERM", soon()), () -> runtime.inspect(c.ref(), soon()),
                () -> runtime.start(c.ref(), soon()))) {
            assertThatThrownBy(call::run).isInstanceOf(EngineException.NotFound.class);
        }
    }

    @Test
    void aDaemonSeesOnlyTheContainersAndEventsOfItsOwnNodeAndNeverOnesWithoutTheLabel() {
        FakeRuntime other = FakeRuntime.on(engine, "node-b");
        List<RuntimeEvent> mine = new CopyOnWriteArrayList<>();
        List<RuntimeEvent> theirs = new CopyOnWriteArrayList<>();
        try (Subscription a = runtime.events(mine::add); Subscription b = other.events(theirs::add)) {
            ContainerInfo ours = started(game().build());
            ContainerInfo their = other.create(game().build(), dir, soon());
            other.start(their.ref(), soon());
            engine.plant(UUID.randomUUID(), "postgres", Map.of(), null);

            assertThat(runtime.listOwned(soon())).extracting(ContainerInfo::ref).containsExactly(ours.ref());
            assertThat(other.listOwned(soon())).extracting(ContainerInfo::ref).containsExactly(their.ref());
            assertThat(their.labels()).containsEntry(RuntimeLabels.NODE, "node-b");
            await().atMost(HANG).until(() -> mine.size() == 1 && theirs.size() == 1);
            assertThat(((RuntimeEvent.ContainerEvent) mine.getFirst()).ref()).isEqualTo(ours.ref());
            assertThat(((RuntimeEvent.ContainerEvent) theirs.getFirst()).ref()).isEqualTo(their.ref());
        }
        other.close();
        assertThat(engine.containers()).as("closing a daemon's runtime leaves the engine's containers").hasSize(3);
    }

    // ------------------------------------------------------------------ deadlines and scripts

    @Test
    void aHangingCallEndsAtItsDeadlineWithATimeoutAndAnAbandonedOneKeepsItsInterrupt() throws Exception {
        ServerSpec spec = game().build();
        engine.on(Verb.FIND).hang();
        assertThatThrownBy(() -> runtime.find(spec.id(), Deadline.in(Duration.ofMillis(50))))
                .isInstanceOf(EngineException.Timeout.class).hasMessageContaining("deadline");

        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                runtime.find(spec.id(), soon());
            } catch (EngineException.Timeout e) {
                interrupted.complete(Thread.currentThread().isInterrupted());
            }
        });
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.FIND) == 1);
        caller.interrupt();
        assertThat(interrupted.get(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anAbandonedCreateThatLandsLeavesItsContainerBehind() {
        ServerSpec spec = game().build();
        engine.on(Verb.CREATE).once().hangThenLand();
        assertThatThrownBy(() -> runtime.create(spec, dir, Deadline.in(Duration.ofMillis(50)))).isInstanceOf(EngineException.Timeout.class);
        assertThat(runtime.find(spec.id(), soon())).hasSize(1);
        assertThatThrownBy(() -> created(spec)).as("the rule was used up; the name is taken").isInstanceOf(EngineException.Conflict.class);
    }

    @Test
    void aScriptedDelayAppliesToItsServerAndAFailureIsTypedAndCounted() {
        ServerSpec slow = game().build();
        ServerSpec other = game().build();
        engine.on(Verb.FIND).forServer(slow.id()).delay(Duration.ofHours(1));
        engine.on(Verb.INSPECT).times(2).fail(CallRule.Failure.UNAVAILABLE);
        assertThatThrownBy(() -> runtime.find(slow.id(), Deadline.in(Duration.ofMillis(20)))).isInstanceOf(EngineException.Timeout.class);
        assertThat(runtime.find(other.id(), soon())).isEmpty();

        ContainerInfo c = created(other);
        assertThatThrownBy(() -> runtime.inspect(c.ref(), soon())).isInstanceOf(EngineException.Unavailable.class);
        assertThatThrownBy(() -> runtime.inspect(c.ref(), soon())).isInstanceOf(EngineException.Unavailable.class);
        assertThat(runtime.inspect(c.ref(), soon()).ref()).isEqualTo(c.ref());
        assertThat(engine.calls()).filteredOn(call -> call.verb() == Verb.INSPECT).extracting(FakeEngine.Call::outcome)
                .containsExactly("Unavailable", "Unavailable", "ok");
    }

    @Test
    void awaitExitAnswersTheExitCodeOrNothingAtItsDeadline() {
        ContainerInfo c = started(game().build());
        assertThat(runtime.awaitExit(c.ref(), Deadline.in(Duration.ofMillis(20)))).isEmpty();
        engine.exit(c.serverId(), 7);
        assertThat(runtime.awaitExit(c.ref(), soon())).contains(7);
    }

    // ------------------------------------------------------------------ streams

    @Test
    void logsHonourTailSinceAndFollowAndAFollowStreamEndsWithTheRun() {
        UUID id = UUID.randomUUID();
        ContainerRef ref = engine.container(id);
        engine.start(id);
        engine.emit(id, "one");
        LogLine two = engine.emit(id, "two");
        engine.emit(id, "three");
        List<String> tail = new CopyOnWriteArrayList<>();
        List<String> since = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> tailEnd = new AtomicReference<>();
        AtomicReference<Throwable> followEnd = new AtomicReference<>();
        follow(ref, LogRequest.history(2), tail, tailEnd);
        follow(ref, LogRequest.followSince(two.at()), since, followEnd);
        await().atMost(HANG).until(() -> tailEnd.get() != null && since.size() == 2);
        assertThat(tail).containsExactly("two", "three");

        engine.emit(id, "four");
        engine.stop(id);
        await().atMost(HANG).until(() -> followEnd.get() != null);
        assertThat(since).containsExactly("two", "three", "four");
        assertThat(followEnd.get()).hasMessage("normal end");
        assertThat(engine.openLogStreams()).isZero();
    }

    @Test
    void closingAStreamEndsItsThreadAndClosingTheRuntimeEndsEveryStreamItOpened() {
        long before = LiveThreads.named(FakeEngine.STREAM_THREADS);
        UUID id = UUID.randomUUID();
        ContainerRef ref = engine.container(id);
        engine.start(id);
        Subscription logs = follow(ref, LogRequest.follow(0), new CopyOnWriteArrayList<>(), new AtomicReference<>());
        List<StatsSample> samples = new CopyOnWriteArrayList<>();
        runtime.stats(ref, samples::add);
        runtime.events(e -> {
        });
        engine.pushStats(id, 1_000, 50);
        await().atMost(HANG).until(() -> samples.size() == 1 && LiveThreads.named(FakeEngine.STREAM_THREADS) == before + 3);
        assertThat(runtime.openStreams()).isEqualTo(3);

        logs.close();
        await().atMost(HANG).until(() -> LiveThreads.named(FakeEngine.STREAM_THREADS) == before + 2 && engine.openLogStreams() == 0);
        runtime.close();
        await().atMost(HANG).until(() -> LiveThreads.named(FakeEngine.STREAM_THREADS) == before);
        assertThatThrownBy(() -> runtime.find(id, soon())).isInstanceOf(EngineException.Unavailable.class);
    }

    @Test
    void eventsTellOfEachStartExitAndRemovalAndCanBeLost() {
        List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
        runtime.events(events::add);
        ContainerInfo c = started(game().build());
        runtime.kill(c.ref(), soon());
        runtime.remove(c.ref(), soon());
        await().atMost(HANG).until(() -> events.size() == 3);
        assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Started", "Exited", "Removed");
        assertThat(((RuntimeEvent.Exited) events.get(1)).exitCode()).isEqualTo(137);

        engine.dropEvents(true);
        started(game().build());
        assertThat(engine.calls(Verb.START)).isEqualTo(2);
        assertThat(events).hasSize(3);
    }

    // ------------------------------------------------------------------ the game

    @Test
    void theGameBootsAfterItsDelayAnswersItsConsoleAndStopsOnItsCommand() {
        engine.timeScale(0.01);
        ContainerInfo c = started(game().env("BOOT_DELAY", "5").env("COLOR", "blue").build());
        runtime.sendInput(c.ref(), "say early", soon()); // read once it has booted, like the script's console
        await().atMost(HANG).until(() -> engine.output(c.serverId()).contains("[Server] early"));
        List<String> out = engine.output(c.serverId());
        assertThat(out.getFirst()).startsWith("[Boot] Starting raptor test server");
        assertThat(out.indexOf("Done! For help, type \"help\"")).isLessThan(out.indexOf("[Server] early"));
        Instant started = runtime.inspect(c.ref(), soon()).startedAt();
        assertThat(runtime.inspect(c.ref(), soon()).outputSince()).as("output begins before the start time, as Docker's").isBefore(started);

        runtime.sendInput(c.ref(), "echo-env COLOR", soon());
        runtime.sendInput(c.ref(), "stop", soon());
        assertThat(runtime.awaitExit(c.ref(), soon())).contains(0);
        assertThat(engine.output(c.serverId())).endsWith("blue", "Stopping server");
        assertThat(engine.inputs(c.serverId())).containsExactly("say early", "echo-env COLOR", "stop");
    }

    @Test
    void theGameCrashesOnRequestAndStopsOnSigtermUnlessToldToIgnoreIt() {
        ContainerInfo crashes = started(game().build());
        runtime.sendInput(crashes.ref(), "crash", soon());
        assertThat(runtime.awaitExit(crashes.ref(), soon())).contains(1);

        ContainerInfo polite = started(game().build());
        runtime.signal(polite.ref(), "SIGTERM", soon());
        assertThat(runtime.awaitExit(polite.ref(), soon())).contains(0);

        ContainerInfo stubborn = started(game().env("IGNORE_STOP", "1").build());
        runtime.signal(stubborn.ref(), "SIGTERM", soon());
        runtime.sendInput(stubborn.ref(), "stop", soon());
        await().atMost(HANG).until(() -> engine.output(stubborn.serverId()).contains("[Server] stop ignored (IGNORE_STOP=1)"));
        assertThat(engine.output(stubborn.serverId())).contains("[Server] SIGTERM ignored (IGNORE_STOP=1)");
        assertThat(runtime.inspect(stubborn.ref(), soon()).running()).isTrue();
        runtime.kill(stubborn.ref(), soon());
        assertThat(runtime.awaitExit(stubborn.ref(), soon())).contains(137);
    }
}
