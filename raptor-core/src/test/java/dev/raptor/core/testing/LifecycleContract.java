package dev.raptor.core.testing;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StoredServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The lifecycle behaviours every {@link ContainerRuntime} must show under a {@link ServerFleet}: one
 * suite, run against each runtime by a subclass (Docker, process), never copied. Tests talk to the
 * real engine and a real store; deadlines are generous and only catch hangs.
 */
public abstract class LifecycleContract {
    /** Bound on anything that should answer; reaching it means something hung. */
    protected static final Duration HANG = Duration.ofSeconds(90);
    /** A BOOT_DELAY far longer than {@link #HANG}: a server that stays starting for the whole test. */
    private static final String NEVER_READY = "3600";

    @TempDir
    protected Path tmp;
    protected ContainerRuntime runtime;
    protected ServerStore store;
    protected EventBus bus;
    protected ServerFleet fleet;

    /** A runtime connected to the real engine of this module's tests. */
    protected abstract ContainerRuntime openRuntime();

    /** A real store in {@code dir}. */
    protected abstract ServerStore openStore(Path dir);

    /**
     * The test game server (scripts/test-image/gameserver.sh) on this runtime, unnamed, with
     * {@code readyPattern("Done!")} and a console stop command.
     */
    protected abstract ServerSpec.Builder gameServer();

    /** {@code spec} changed so that this runtime cannot start it (a missing image, a missing program). */
    protected abstract ServerSpec.Builder unstartable(ServerSpec.Builder spec);

    protected ControllerSettings settings(Path volumes) {
        return ControllerSettings.defaults(volumes)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withObserveEvery(Duration.ofSeconds(2));
    }

    @BeforeEach
    void openFleet() {
        runtime = openRuntime();
        store = openStore(tmp.resolve("state"));
        bus = new EventBus();
        fleet = new ServerFleet(store, runtime, bus, settings(tmp.resolve("volumes")));
        fleet.boot();
    }

    @AfterEach
    void closeFleet() throws Exception {
        FleetTeardown.deleteAll(fleet, HANG);
        fleet.close();
        bus.close();
        runtime.close();
        if (store instanceof AutoCloseable c) {
            c.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    protected UUID create(ServerSpec.Builder spec) {
        return fleet.create(spec.name("contract-" + ThreadLocalRandom.current().nextInt(1_000_000)).build()).id();
    }

    protected PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    protected boolean engineRunning(UUID id) {
        return runtime.find(id, Deadline.in(HANG)).stream().anyMatch(ContainerInfo::running);
    }

    protected void awaitState(UUID id, ServerState state) {
        await().atMost(HANG).until(() -> fleet.controller(id).state() == state);
    }

    protected List<String> consoleLines(UUID id) throws InterruptedException {
        return consoleLogLines(id).stream().map(LogLine::text).toList();
    }

    /** The server's whole log as its runtime reads it now. */
    protected List<LogLine> consoleLogLines(UUID id) throws InterruptedException {
        ContainerInfo c = runtime.find(id, Deadline.in(HANG)).getFirst();
        CollectedLines read = new CollectedLines();
        try (Subscription ignored = runtime.logs(c.ref(), LogRequest.history(-1), read)) {
            assertThat(read.ended.await(HANG.toSeconds(), TimeUnit.SECONDS)).as("log history ends").isTrue();
        }
        return read.lines;
    }

    protected List<String> activityMessages(UUID id) {
        return store.activity(id, Long.MAX_VALUE, 1000).stream().map(ActivityEntry::message).toList();
    }

    private static void assertDone(PowerResult r, ServerState state) {
        assertThat(r).isInstanceOf(PowerResult.Done.class);
        assertThat(((PowerResult.Done) r).state()).isEqualTo(state);
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void startTwiceAndStopTwiceBothSucceed() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertThat(engineRunning(id)).isTrue();
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertThat(engineRunning(id)).isFalse();
    }

    @Test
    void killOnAStoppedServerSucceeds() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.KILL), ServerState.OFFLINE);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertDone(power(id, PowerAction.KILL), ServerState.OFFLINE);
    }

    @Test
    void deletingAServerWhoseContainerIsAbsentSucceeds() throws Exception {
        UUID id = create(gameServer());
        assertThat(runtime.find(id, Deadline.in(HANG))).isEmpty();
        assertThat(fleet.delete(id, false).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(fleet.find(id)).isEmpty();
        assertThat(store.find(id)).isEmpty();
    }

    @Test
    void aContainerRemovedBehindRaptorsBackIsStoppedAsAbsentAndRecreatedOnStart() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        String before = runtime.find(id, Deadline.in(HANG)).getFirst().ref().id();
        for (ContainerInfo c : runtime.find(id, Deadline.in(HANG))) {
            runtime.remove(c.ref(), Deadline.in(HANG));
        }
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        List<ContainerInfo> now = runtime.find(id, Deadline.in(HANG));
        assertThat(now).hasSize(1);
        assertThat(now.getFirst().running()).isTrue();
        assertThat(now.getFirst().ref().id()).isNotEqualTo(before);
    }

    // ------------------------------------------------------------------ precedence

    @Test
    void killDuringABootPreemptsTheBootInsteadOfWaitingForIt() throws Exception {
        // a boot far longer than the hang deadline: a kill that answers at all did not wait for the boot
        UUID id = create(gameServer().env("BOOT_DELAY", NEVER_READY));
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.STARTING && engineRunning(id));
        PowerResult kill = fleet.power(id, PowerAction.KILL).get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertDone(kill, ServerState.OFFLINE);
        assertThat(start.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Superseded.class);
        assertThat(engineRunning(id)).isFalse();
    }

    @Test
    void stopDuringBootCancelsTheStart() throws Exception {
        // the boot never ends by itself within the test, so the start cannot finish before the stop reaches it
        UUID id = create(gameServer().env("BOOT_DELAY", NEVER_READY).stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(20))));
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.STARTING && engineRunning(id));
        PowerResult stop = power(id, PowerAction.STOP);
        assertDone(stop, ServerState.OFFLINE);
        PowerResult started = start.get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertThat(started).isInstanceOf(PowerResult.Superseded.class);
        assertThat(((PowerResult.Superseded) started).by().describe()).isEqualTo("stop");
        assertThat(engineRunning(id)).isFalse();
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
    }

    @Test
    void twoHundredConcurrentRandomIntentsAllCompleteAndTheEngineMatchesTheLastOne() throws Exception {
        UUID id = create(gameServer().stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(10))));
        PowerAction[] actions = PowerAction.values();
        List<CompletableFuture<PowerResult>> futures = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10; i++) {
                    futures.add(fleet.power(id, actions[ThreadLocalRandom.current().nextInt(actions.length)]));
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            assertThat(t.join(HANG)).isTrue();
        }
        assertThat(futures).hasSize(200);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(HANG.toSeconds() * 2, TimeUnit.SECONDS);
        for (CompletableFuture<PowerResult> f : futures) {
            assertThat(f).isCompleted().isNotCompletedExceptionally();
            assertThat(f.get()).isNotInstanceOf(PowerResult.Failed.class);
        }
        DesiredState last = store.find(id).orElseThrow().desired();
        boolean shouldRun = last == DesiredState.RUNNING;
        // An engine call abandoned by a pre-emption may still land afterwards; the controller must converge on it.
        await().atMost(HANG).untilAsserted(() -> {
            assertThat(engineRunning(id)).as("engine matches the last intent (%s)", last).isEqualTo(shouldRun);
            assertThat(fleet.controller(id).state()).isEqualTo(shouldRun ? ServerState.RUNNING : ServerState.OFFLINE);
        });
        assertThat(store.find(id).orElseThrow().desired()).as("nothing rewrote the operator's last word").isEqualTo(last);
    }

    @Test
    void listingAndInspectingAnswerWhileTwentyServersBoot() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(create(gameServer().env("BOOT_DELAY", NEVER_READY)));
        }
        List<CompletableFuture<PowerResult>> starts = new ArrayList<>();
        for (UUID id : ids) {
            starts.add(fleet.power(id, PowerAction.START));
        }
        await().atMost(HANG).until(() -> ids.stream().allMatch(id -> fleet.controller(id).state() == ServerState.STARTING));
        // The boots outlast the hang deadline: a read that waited for any of them would hang (and fail here), so a read
        // that answers while every start is still in flight did not wait for one. No timer on the reads themselves.
        for (int probe = 0; probe < 20; probe++) {
            UUID id = ids.get(probe);
            assertTimeoutPreemptively(HANG, () -> {
                assertThat(fleet.list()).hasSize(20);
                assertThat(fleet.find(id)).isPresent();
                fleet.controller(id).view();
            }, "a read waited for a boot");
        }
        assertThat(starts).as("every boot was still in flight while the reads answered").noneMatch(CompletableFuture::isDone);
        for (UUID id : ids) {
            assertDone(power(id, PowerAction.KILL), ServerState.OFFLINE);
        }
        for (CompletableFuture<PowerResult> s : starts) {
            assertThat(s.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Superseded.class);
        }
    }

    // ------------------------------------------------------------------ stop policy

    @Test
    void aServerThatIgnoresItsStopCommandIsKilledAfterTheTimeout() throws Exception {
        UUID id = create(gameServer().env("IGNORE_STOP", "1").stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(2))));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        long t0 = System.nanoTime();
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waited for the stop timeout first").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(engineRunning(id)).isFalse();
        assertThat(activityMessages(id)).anyMatch(m -> m.contains("killing it"));
    }

    @Test
    void aNormalServerExitsZeroOnItsStopCommand() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        ContainerInfo c = runtime.find(id, Deadline.in(HANG)).getFirst();
        assertThat(c.exitCode()).isZero();
        assertThat(consoleLines(id)).contains("Stopping server");
        assertThat(activityMessages(id)).anyMatch(m -> m.contains("stopped (exit code 0)"));
    }

    @Test
    void consoleCommandsReachTheServer() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        fleet.sendCommand(id, "say hello raptor");
        await().atMost(HANG).until(() -> consoleLines(id).contains("[Server] hello raptor"));
    }

    @Test
    void aRestartWaitsForTheNewBootsReadyLineNotThePreviousRunsOne() throws Exception {
        UUID id = create(gameServer().env("BOOT_DELAY", "3"));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        // a ready line of the old run, printed the instant before the restart: within the same second as the
        // new run's start, so only sub-second stamps tell the runs apart
        fleet.sendCommand(id, "say Done! (the old run)");
        await().atMost(HANG).until(() -> consoleLines(id).contains("[Server] Done! (the old run)"));

        assertDone(power(id, PowerAction.RESTART), ServerState.RUNNING);

        List<String> lines = consoleLines(id);
        int newBoot = -1;
        for (int i = lines.size() - 1; i >= 0 && newBoot < 0; i--) {
            if (lines.get(i).startsWith("[Boot] Starting")) {
                newBoot = i;
            }
        }
        assertThat(newBoot).as("the new boot's first line in %s", lines).isNotNegative();
        assertThat(lines.subList(newBoot, lines.size())).as("RUNNING only once the new boot said Done")
                .anyMatch(l -> l.startsWith("Done!"));
    }

    // ------------------------------------------------------------------ console

    /**
     * {@link ContainerRuntime#logs}: a follow's new lines are those written from the call on. The flood is asked for
     * right after the call returns, while the runtime may still be opening its stream (on its own thread, after a node
     * lookup); its lines are new ones that a tail of 0 must not leave out, and the line before the call is history
     * that it must. The stop right behind the flood ends the stream, however soon after it opened.
     */
    @Test
    void aFollowDeliversEveryLineWrittenFromTheCallOnOnceAndInOrder() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        fleet.sendCommand(id, "say before the call");
        await().atMost(HANG).until(() -> consoleLines(id).contains("[Server] before the call"));
        ContainerInfo c = runtime.find(id, Deadline.in(HANG)).getFirst();
        int flood = 2000;

        CollectedLines followed = new CollectedLines();
        try (Subscription ignored = runtime.logs(c.ref(), LogRequest.follow(0), followed)) {
            runtime.sendInput(c.ref(), "flood " + flood, Deadline.in(HANG));
            assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE); // its stop command, read after the flood's
            assertThat(followed.ended.await(HANG.toSeconds(), TimeUnit.SECONDS)).as("the follow ends when the server stops").isTrue();
        }
        List<String> lines = followed.texts();

        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= flood; i++) {
            expected.add("line " + i);
        }
        expected.add("Stopping server");
        assertThat(lines).as("every line from the call on, none from before it, each once, in order").containsExactlyElementsOf(expected);
    }

    /**
     * What a console that reads its history apart relies on ({@link ContainerRuntime#logs}): a line written after the
     * history read and before the follow's call is in neither when the follow has a tail of 0, so the follow asks for
     * the whole log when the history read held nothing (a tail of -1), and from the stamp of the last line read
     * otherwise. Here a line is written exactly in that window; both follows deliver it once, after the history and
     * before the lines that come after the call, each once and in order.
     */
    @Test
    void aFollowOfTheWholeLogAfterAHistoryReadDeliversTheLineWrittenBetweenThemOnce() throws Exception {
        Window w = aLineWrittenAfterAHistoryRead();

        List<String> expected = new ArrayList<>(w.history().stream().map(LogLine::text).toList());
        expected.addAll(List.of("[Server] between the calls", "[Server] after the call", "Stopping server"));
        assertThat(followToTheEnd(w, LogRequest.follow(-1))).as("the whole log, then new lines, each once, in order")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void aFollowFromTheLastStampReadDeliversTheLineWrittenAfterTheHistoryReadOnce() throws Exception {
        Window w = aLineWrittenAfterAHistoryRead();
        Instant last = w.history().getLast().at();
        long atLast = w.history().stream().filter(l -> l.at().equals(last)).count();

        List<String> lines = followToTheEnd(w, LogRequest.followSince(last));
        assertThat(lines.subList((int) Math.min(atLast, lines.size()), lines.size()))
                .as("after the %s line(s) at the last stamp read: every later line once, in order", atLast)
                .containsExactly("[Server] between the calls", "[Server] after the call", "Stopping server");
    }

    /** A running server, its history as read, and a line it wrote after that read. */
    private record Window(UUID id, ContainerInfo c, List<LogLine> history) {
    }

    /** Starts a server, reads its history, then has it write a line: after the history read, before any next call. */
    private Window aLineWrittenAfterAHistoryRead() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        ContainerInfo c = runtime.find(id, Deadline.in(HANG)).getFirst();
        List<LogLine> history = consoleLogLines(id);
        fleet.sendCommand(id, "say between the calls");
        await().atMost(HANG).until(() -> consoleLines(id).contains("[Server] between the calls"));
        return new Window(id, c, history);
    }

    /** What a follow of {@code request} delivers while the server says one more line and stops. */
    private List<String> followToTheEnd(Window w, LogRequest request) throws Exception {
        UUID id = w.id();
        ContainerInfo c = w.c();
        CollectedLines followed = new CollectedLines();
        try (Subscription ignored = runtime.logs(c.ref(), request, followed)) {
            runtime.sendInput(c.ref(), "say after the call", Deadline.in(HANG));
            await().atMost(HANG).until(() -> followed.texts().contains("[Server] after the call"));
            assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
            assertThat(followed.ended.await(HANG.toSeconds(), TimeUnit.SECONDS)).as("the follow ends when the server stops").isTrue();
        }
        return followed.texts();
    }

    // ------------------------------------------------------------------ crashes

    @Test
    void aCrashIsRestartedByTheOnFailurePolicy() throws Exception {
        UUID id = create(gameServer().restartPolicy(RestartPolicy.onFailure(3)));
        List<ServerEvent.Crashed> crashes = new CopyOnWriteArrayList<>();
        bus.subscribe(ServerEvent.Crashed.class, e -> e.serverId().equals(id), 100, crashes::add);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        var firstStart = fleet.controller(id).view().startedAt();
        fleet.sendCommand(id, "crash");
        await().atMost(HANG).until(() -> !crashes.isEmpty());
        assertThat(crashes.getFirst().exitCode()).isEqualTo(1);
        assertThat(crashes.getFirst().willRestart()).isTrue();
        await().atMost(HANG).until(() -> {
            ServerController.View v = fleet.controller(id).view();
            return v.state() == ServerState.RUNNING && v.startedAt() != null && v.startedAt().isAfter(firstStart);
        });
        assertThat(engineRunning(id)).isTrue();
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
    }

    @Test
    void repeatedCrashesEndInACrashLoopThatStaysOffline() throws Exception {
        UUID id = create(gameServer().restartPolicy(RestartPolicy.onFailure(2)));
        List<ServerEvent.CrashLoop> loops = new CopyOnWriteArrayList<>();
        bus.subscribe(ServerEvent.CrashLoop.class, e -> e.serverId().equals(id), 100, loops::add);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        for (int crash = 1; crash <= 3; crash++) {
            var started = fleet.controller(id).view().startedAt();
            awaitState(id, ServerState.RUNNING);
            fleet.sendCommand(id, "crash");
            if (crash < 3) {
                await().atMost(HANG).until(() -> {
                    ServerController.View v = fleet.controller(id).view();
                    return v.state() == ServerState.RUNNING && v.startedAt().isAfter(started);
                });
            }
        }
        await().atMost(HANG).until(() -> !loops.isEmpty());
        ServerController.View v = fleet.controller(id).view();
        assertThat(v.crashLoop()).isTrue();
        awaitState(id, ServerState.OFFLINE);
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(activityMessages(id)).anyMatch(m -> m.contains("staying offline"));
        // for longer than the test backoff, at every look: a crash loop must not restart on its own
        await().during(Duration.ofMillis(1500)).atMost(HANG).until(() -> !engineRunning(id));
    }

    // ------------------------------------------------------------------ recreate

    @Test
    void aFailedRecreateLeavesAConsistentOfflineServerThatStartsOnceFixed() throws Exception {
        UUID id = create(gameServer());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        StoredServer v1 = store.find(id).orElseThrow();
        StoredServer v2 = fleet.update(id, v1.version(), unstartable(v1.spec().toBuilder()).build());
        PowerResult applied = fleet.applySpec(id).get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertThat(applied).isInstanceOf(PowerResult.Failed.class);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
        assertThat(fleet.controller(id).view().lastError()).isNotBlank();
        assertThat(store.find(id).orElseThrow().version()).isEqualTo(v2.version());
        assertThat(activityMessages(id)).anyMatch(m -> m.contains("failed"));

        fleet.update(id, v2.version(), v1.spec());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertThat(runtime.find(id, Deadline.in(HANG))).hasSize(1);
    }

    @Test
    void aSpecChangeReachesARunningServerOnItsNextStart() throws Exception {
        UUID id = create(gameServer().env("COLOR", "red"));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        StoredServer v1 = store.find(id).orElseThrow();
        fleet.update(id, v1.version(), v1.spec().toBuilder().env("COLOR", "blue").build());
        fleet.sendCommand(id, "echo-env COLOR");
        await().atMost(HANG).until(() -> consoleLines(id).contains("red"));
        assertDone(power(id, PowerAction.RESTART), ServerState.RUNNING);
        fleet.sendCommand(id, "echo-env COLOR");
        await().atMost(HANG).until(() -> consoleLines(id).contains("blue"));
    }
}
