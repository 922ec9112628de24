package dev.raptor.core.power;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.CallRule;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeEngine.Verb;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The controller's hardest cases, made to happen on purpose on the in-memory engine: calls that hang,
 * intents that race a boot, crashes in a loop, a daemon going away with work queued. The lifecycle
 * contract (run on every runtime) covers the ordinary ones.
 */
class ServerControllerTest {
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final String IMAGE = "raptor-test/gameserver:1";

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = runtime.engine();
    private final MemoryStore store = new MemoryStore();
    private final EventBus bus = new EventBus();
    private final List<ServerEvent> events = new CopyOnWriteArrayList<>();
    private ServerFleet fleet;

    @BeforeEach
    void openFleet() {
        bus.subscribe(ServerEvent.class, events::add);
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes"))
                .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .withObserveEvery(Duration.ofMillis(200)));
        fleet.boot();
    }

    @AfterEach
    void closeAll() {
        fleet.close();
        bus.close();
        runtime.close();
    }

    private static ServerSpec.Builder game() {
        return ServerSpec.builder(IMAGE).name("game").readyPattern("Done!")
                .stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(30)));
    }

    private UUID create(ServerSpec.Builder spec) {
        return fleet.create(spec.build()).id();
    }

    private PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    private boolean engineRunning(UUID id) {
        return runtime.find(id, Deadline.in(HANG)).stream().anyMatch(ContainerInfo::running);
    }

    private List<String> activity(UUID id) {
        return store.activity(id, Long.MAX_VALUE, 1000).stream().map(ActivityEntry::message).toList();
    }

    private List<ServerState> statesOf(UUID id) {
        return events.stream().filter(e -> e instanceof ServerEvent.StateChanged s && s.serverId().equals(id))
                .map(e -> ((ServerEvent.StateChanged) e).to()).toList();
    }

    /** A running server that ignores its stop request, and a stop of it in flight (it waits for the 30 s timeout). */
    private CompletableFuture<PowerResult> stopInFlight(UUID id) throws Exception {
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        CompletableFuture<PowerResult> stop = fleet.power(id, PowerAction.STOP);
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.STOPPING);
        return stop;
    }

    /**
     * A running server that ignores SIGTERM, and the controller's own stop of it in flight, its signal sent: converging
     * to a desired state an import rewrote to stopped. The test decides when the server ends of that signal.
     */
    private CompletableFuture<PowerResult> ownStopInFlight(UUID id) throws Exception {
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        store.setDesiredState(id, DesiredState.STOPPED);
        CompletableFuture<PowerResult> converge = fleet.controller(id).submit(new Intent.Converge("the desired state was rewritten"));
        await().atMost(HANG).until(() -> engine.calls(Verb.SIGNAL) == 1 && fleet.controller(id).state() == ServerState.STOPPING);
        return converge;
    }

    /** A start of a server whose boot takes a minute, once it boots. */
    private CompletableFuture<PowerResult> slowBoot(UUID id) {
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.STARTING && engineRunning(id));
        return start;
    }

    /**
     * Crashes each of the server's first {@code runs} runs (exit code 1) once its boot is over, its ready line read: a
     * program that crashed a fixed time after printing it could, on a loaded machine, end before the controller had read
     * the line, and fail its start instead (an exit during the boot).
     */
    private void crashOnceBooted(UUID id, int runs) {
        for (int run = 1; run <= runs; run++) {
            int started = run;
            await().atMost(HANG).until(() -> engine.calls(Verb.START) == started && fleet.controller(id).state() == ServerState.RUNNING);
            engine.exit(id, 1);
        }
    }

    private static void assertDone(PowerResult r, ServerState state) {
        assertThat(r).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(state));
    }

    private static void assertSupersededBy(CompletableFuture<PowerResult> f, String by) throws Exception {
        assertThat(f.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(PowerResult.Superseded.class,
                s -> assertThat(s.by().describe()).isEqualTo(by));
    }

    // ------------------------------------------------------------------ pre-emption

    @Test
    void killDuringACreateThatHangsEndsTheStartAtOnceAndTheNextStartAdoptsWhatTheCreateMade() throws Exception {
        UUID id = create(game());
        engine.on(Verb.CREATE).once().hangThenLand();
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.CREATE) == 1 && fleet.controller(id).state() == ServerState.STARTING);

        assertDone(power(id, PowerAction.KILL), ServerState.OFFLINE);
        assertSupersededBy(start, "kill");
        assertThat(engine.inFlightCalls(Verb.CREATE)).as("the create goes on: a pre-empted create is not abandoned at the engine")
                .isEqualTo(1);
        engine.releaseHangs();
        await().atMost(HANG).until(() -> runtime.find(id, Deadline.in(HANG)).size() == 1);
        List<ContainerInfo> landed = runtime.find(id, Deadline.in(HANG));
        assertThat(landed.getFirst().running()).isFalse();

        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertThat(runtime.find(id, Deadline.in(HANG))).extracting(c -> c.ref().id()).containsExactly(landed.getFirst().ref().id());
    }

    /** A panel's list asks every server's view on every poll: the same value stays the same instance (no garbage). */
    @Test
    void theViewIsTheSameInstanceUntilSomethingInItChanges() throws Exception {
        UUID id = create(game());
        ServerController c = fleet.controller(id);
        ServerController.View offline = c.view();
        assertThat(c.view()).isSameAs(offline);
        assertThat(fleet.list().getFirst().live()).isSameAs(offline);

        assertDone(power(id, PowerAction.START), ServerState.RUNNING);

        ServerController.View running = c.view();
        assertThat(running).isNotSameAs(offline);
        assertThat(running.state()).isEqualTo(ServerState.RUNNING);
        assertThat(running.containerId()).isNotNull();
        assertThat(running.startedAt()).isNotNull();
        assertThat(c.view()).isSameAs(running);
    }

    @Test
    void askingForAnUnchangedViewAllocatesNothing() {
        ServerController c = fleet.controller(create(game()));
        ServerController.View first = c.view();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int asks = 1_000;
        int same = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < asks; i++) {
            same += c.view() == first ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(same).isEqualTo(asks);
        // a new view and a lambda for the mailbox's read per ask were ~60 bytes (per server, per poll of the list)
        assertThat(allocated).as("bytes allocated by %d asks for an unchanged view", asks).isLessThan(asks * 8L);
    }

    @Test
    void theFleetsListIsTheSameListUntilAServerInItChanges() throws Exception {
        UUID a = create(game().name("a"));
        UUID b = create(game().name("b"));
        List<ServerFleet.ServerSnapshot> first = fleet.list();
        assertThat(first).extracting(ServerFleet.ServerSnapshot::id).containsExactly(a, b);
        assertThat(fleet.list()).as("nothing changed: the same list").isSameAs(first);

        assertDone(power(b, PowerAction.START), ServerState.RUNNING);
        List<ServerFleet.ServerSnapshot> started = fleet.list();
        assertThat(started).isNotSameAs(first);
        assertThat(started.get(0)).as("the server that did not change keeps its snapshot").isSameAs(first.get(0));
        assertThat(started.get(1).state()).isEqualTo(ServerState.RUNNING);
        assertThat(fleet.list()).isSameAs(started);

        fleet.update(a, 1, fleet.find(a).orElseThrow().stored().spec().toBuilder().env("MOTD", "hi").build());
        List<ServerFleet.ServerSnapshot> updated = fleet.list();
        assertThat(updated.get(0).stored().spec().environment()).containsEntry("MOTD", "hi");
        assertThat(updated.get(1)).isSameAs(started.get(1));

        UUID c = create(game().name("c"));
        assertThat(fleet.list()).extracting(ServerFleet.ServerSnapshot::id).containsExactly(a, b, c);
        assertThat(fleet.delete(c, true).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(fleet.list()).extracting(ServerFleet.ServerSnapshot::id).containsExactly(a, b);
        assertThat(fleet.delete(a, true).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(fleet.list()).extracting(ServerFleet.ServerSnapshot::id).containsExactly(b);
        assertThatThrownBy(() -> fleet.list().clear()).as("one list is given to every caller").isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aDeleteAfterAPreemptedCreateWaitsForTheCreatesAnswerAndRemovesWhatItMade() throws Exception {
        UUID id = create(game());
        engine.on(Verb.CREATE).once().hang(); // carried out when released: a create that lands late
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.CREATE) == 1 && fleet.controller(id).state() == ServerState.STARTING);
        assertDone(power(id, PowerAction.KILL), ServerState.OFFLINE);
        assertSupersededBy(start, "kill");

        CompletableFuture<PowerResult> delete = fleet.delete(id, true);
        await().atMost(HANG).until(() -> "delete (forced)".equals(fleet.controller(id).view().busyWith()));
        engine.releaseHangs(); // the create lands while (or after) the delete looks
        assertThat(delete.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.CREATE) == 0);
        assertThat(engine.containers()).as("nothing of the deleted server is left, the late create's container included").isEmpty();
    }

    @Test
    void aStartWhoseKnownContainerWasRemovedBehindRaptorsBackSearchesAndCreatesAnother() throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        ContainerInfo before = runtime.find(id, Deadline.in(HANG)).getFirst();
        engine.dropEvents(true); // its removal event is lost: the controller still trusts the container it knows
        runtime.remove(before.ref(), Deadline.in(HANG));
        long searches = engine.calls(Verb.FIND);

        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        List<ContainerInfo> now = runtime.find(id, Deadline.in(HANG));
        assertThat(now).hasSize(1);
        assertThat(now.getFirst().ref().id()).isNotEqualTo(before.ref().id());
        assertThat(now.getFirst().running()).isTrue();
        assertThat(engine.calls(Verb.FIND) - searches).as("the engine's 404 sent the start back to a search").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aStartAndADeleteOfAStoppedServerTrustTheContainerItKnowsWithoutSearching() throws Exception {
        fleet.close(); // a fleet without the periodic sweep, whose observations search on their own clock
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")).withObserveEvery(Duration.ofHours(1)));
        fleet.boot();
        UUID id = create(game());
        long searches = engine.calls(Verb.FIND);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertThat(fleet.delete(id, false).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(engine.containers()).isEmpty();
        assertThat(engine.calls(Verb.FIND) - searches)
                .as("no search in two starts, two stops and a delete").isZero();
    }

    @Test
    void aDeleteWhoseKnownContainerIsGoneSearchesAndRemovesWhatTheServerHas() throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        engine.dropEvents(true);
        runtime.remove(runtime.find(id, Deadline.in(HANG)).getFirst().ref(), Deadline.in(HANG));
        // and a copy made behind Raptor's back, which only a search finds
        engine.plant(id, "raptor-copy", Map.of(RuntimeLabels.SERVER, id.toString()), null);

        assertThat(fleet.delete(id, false).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(engine.containers()).as("the engine's 404 sent the delete to a search, which removed the copy").isEmpty();
    }

    @Test
    void aMutatingCallInFlightIsNeverAbandonedAKillWaitsForItAndThenEndsTheServer() throws Exception {
        UUID id = create(game());
        engine.on(Verb.START).once().hang();
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.START) == 1);
        CompletableFuture<PowerResult> kill = fleet.power(id, PowerAction.KILL);

        assertSupersededBy(start, "kill"); // answered at once ...
        assertThat(engine.calls(Verb.KILL)).as("... but the start call still runs: nothing kills under it").isZero();
        engine.releaseHangs();

        assertDone(kill.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.OFFLINE);
        List<Verb> order = engine.calls().stream().map(FakeEngine.Call::verb).filter(v -> v == Verb.START || v == Verb.KILL).toList();
        assertThat(order).containsExactly(Verb.START, Verb.KILL);
        await().atMost(HANG).until(() -> !engineRunning(id));
    }

    @Test
    void theDesiredStateIsWrittenBeforeTheEngineIsTouched() throws Exception {
        UUID id = create(game());
        engine.on(Verb.CREATE).once().hang();
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.CREATE) == 1);
        assertThat(store.find(id).orElseThrow().desired())
                .as("the intent is durable while the engine still holds the create")
                .isEqualTo(DesiredState.RUNNING);
        assertThat(engine.calls(Verb.CREATE)).isZero();
        engine.releaseHangs();
        // The start runs to its end before the fixture closes: a start still writing into the volume
        // made @TempDir's cleanup fail (DirectoryNotEmpty) now and then.
        assertDone(start.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.RUNNING);
    }

    @Test
    void stopDuringABootCancelsItBeforeTheServerEverCountsAsRunning() throws Exception {
        UUID id = create(game().env("BOOT_DELAY", "60"));
        CompletableFuture<PowerResult> start = slowBoot(id);

        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertSupersededBy(start, "stop");
        await().atMost(HANG).until(() -> statesOf(id).contains(ServerState.OFFLINE));
        assertThat(statesOf(id)).containsExactly(ServerState.STARTING, ServerState.STOPPING, ServerState.OFFLINE);
        assertThat(engineRunning(id)).isFalse();
        assertThat(engine.output(id)).doesNotContain("Done! For help, type \"help\"");
    }

    @Test
    void intentsQueuedBehindAStopCoalesceToTheLatest() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1"));
        CompletableFuture<PowerResult> stop = stopInFlight(id);

        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        CompletableFuture<PowerResult> restart = fleet.power(id, PowerAction.RESTART);
        CompletableFuture<PowerResult> last = fleet.power(id, PowerAction.START);
        assertSupersededBy(start, "restart");
        assertSupersededBy(restart, "start");
        assertThat(stop).as("a start waits for the stop in flight instead of cancelling it").isNotDone();
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);

        engine.exit(id, 0); // the stubborn server finally exits on its own
        assertDone(stop.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.OFFLINE);
        assertDone(last.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.RUNNING);
        assertThat(engineRunning(id)).isTrue();
    }

    /**
     * The controller's own stop has signalled the server, which is still shutting down when an operator's start
     * pre-empts it. The start must not take the server as running: the exit the signal causes is the controller's own
     * doing, not the server stopping itself, and the desired state is running again. That exit comes only after the
     * start has been handled.
     */
    @Test
    void aStartThatPreemptsTheControllersOwnStopInFlightStartsTheServerAgainAfterTheExitThatStopCauses() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1"));
        CompletableFuture<PowerResult> converge = ownStopInFlight(id);

        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        assertSupersededBy(converge, "start");

        assertRunsAgainOnceTheSignalSentEndsIt(id, start);
    }

    /**
     * The same with the operator's intents only, as the lifecycle contract's random intents met it: a restart has its
     * SIGTERM on the way (the engine call is in flight), a stop cancels the restart, and a start supersedes that stop
     * before it runs. The start finds the server still running moments before the signal ends it.
     */
    @Test
    void aStartThatSupersedesAStopWhichCancelledARestartMidSignalStartsTheServerAgainAfterTheSignalEndsIt() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1"));
        CompletableFuture<PowerResult> start = startOverAStopThatCancelledARestartMidSignal(id);

        assertRunsAgainOnceTheSignalSentEndsIt(id, start);
    }

    /**
     * The start sees the stop through as the stop would have: a server that outlasts its stop timeout is killed, and
     * then started again. Nothing waits longer than that timeout and the kill's own wait.
     */
    @Test
    void aStartThatSeesAStopThroughKillsTheServerAtTheStopTimeoutAndStartsItAgain() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1").stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(1))));
        CompletableFuture<PowerResult> start = startOverAStopThatCancelledARestartMidSignal(id);

        assertDone(start.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.RUNNING);
        assertThat(engine.calls(Verb.KILL)).isEqualTo(1);
        assertThat(engine.calls(Verb.START)).as("started again after the kill").isEqualTo(2);
        assertThat(activity(id)).anyMatch(m -> m.startsWith("still running 1 s after the stop request; killing it"));
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(engineRunning(id)).isTrue();
    }

    /**
     * A running server, a restart of it whose SIGTERM is on its way (the engine call is in flight, so the restart,
     * once cancelled, lets it finish), a stop that cancels the restart, and a start that supersedes that stop before it
     * runs: the start it returns finds the server still running once the signal has reached it.
     */
    private CompletableFuture<PowerResult> startOverAStopThatCancelledARestartMidSignal(UUID id) throws Exception {
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        engine.on(Verb.SIGNAL).forServer(id).once().hang();
        CompletableFuture<PowerResult> restart = fleet.power(id, PowerAction.RESTART);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.SIGNAL) == 1);

        CompletableFuture<PowerResult> stop = fleet.power(id, PowerAction.STOP);
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        assertSupersededBy(restart, "stop");
        assertSupersededBy(stop, "start");
        engine.releaseHangs(); // the SIGTERM reaches the server
        return start;
    }

    /**
     * Lets the server end of the stop signal it was sent, once {@code start} is done or waits for that exit, and checks
     * that the server then runs again (a second start at the engine) instead of counting as stopped by itself.
     */
    private void assertRunsAgainOnceTheSignalSentEndsIt(UUID id, CompletableFuture<PowerResult> start) throws Exception {
        await().atMost(HANG).until(() -> start.isDone()
                || "start".equals(fleet.controller(id).view().busyWith()) && engine.inFlightCalls(Verb.AWAIT_EXIT) == 1);
        engine.exit(id, 0); // the SIGTERM the controller sent ends the server only now

        assertDone(start.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.RUNNING);
        await().atMost(HANG).until(() -> engine.calls(Verb.START) == 2 || activity(id).stream().anyMatch(m -> m.contains("stopped on its own")));
        assertThat(activity(id)).as("the exit its own stop caused is not the server stopping itself")
                .noneMatch(m -> m.contains("stopped on its own"));
        assertThat(activity(id)).as("the start saw the stop through instead of taking the server as running")
                .anyMatch(m -> m.startsWith("a stop Raptor asked for is still under way"));
        assertThat(engine.calls(Verb.START)).as("started again once the exit came").isEqualTo(2);
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        assertThat(engineRunning(id)).isTrue();
    }

    /**
     * As above, but the start that pre-empts the stop fails before it looks (its search of the engine fails), and the
     * facts it settles on say running. The exit the stop causes afterwards is still the controller's own doing: the
     * server is started again, as its desired state says, instead of counting as stopped by itself.
     */
    @Test
    void anExitCausedByTheControllersOwnPreemptedStopIsNeverTheServerStoppingItselfAndItRunsAgain() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1"));
        CompletableFuture<PowerResult> converge = ownStopInFlight(id);
        engine.on(Verb.FIND).forServer(id).once().fail(CallRule.Failure.UNAVAILABLE);

        assertThat(power(id, PowerAction.START)).isInstanceOf(PowerResult.Failed.class);
        assertSupersededBy(converge, "start");
        assertThat(fleet.controller(id).state()).as("settled from the facts after the failure").isEqualTo(ServerState.RUNNING);
        engine.exit(id, 0); // the SIGTERM the controller sent ends the server only now

        await().atMost(HANG).until(() -> engine.calls(Verb.START) == 2 || activity(id).stream().anyMatch(m -> m.contains("stopped on its own")));
        assertThat(activity(id)).noneMatch(m -> m.contains("stopped on its own"));
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.RUNNING && engineRunning(id));
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(activity(id)).anyMatch(m -> m.startsWith("a stop Raptor had asked for ended the server"));
    }

    /**
     * The other side of the rule: the mark of a stop Raptor asked for ends with the run it was asked of. Here the run
     * the controller's own stop signalled ends unseen (the start that pre-empted that stop finds it exited and starts a
     * new run of the same container); an exit 0 of the new run that nobody asked for (the game's own console
     * {@code stop}) is still the server stopping itself, and it stays stopped.
     */
    @Test
    void aCleanExitOfALaterRunIsStillTheServerStoppingItselfThoughAnEarlierRunWasAskedToStop() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1"));
        CompletableFuture<PowerResult> converge = ownStopInFlight(id);
        engine.on(Verb.FIND).forServer(id).once().hang();
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        assertSupersededBy(converge, "start");
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.FIND) == 1);
        engine.exit(id, 0); // the signalled run ends while the start looks for the container
        engine.releaseHangs();
        assertDone(start.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.RUNNING);
        assertThat(runtime.find(id, Deadline.in(HANG))).as("a new run of the same container").hasSize(1);

        engine.stop(id); // the game stops itself (its console `stop`, typed by a player), exit code 0

        await().atMost(HANG).until(() -> store.find(id).orElseThrow().desired() == DesiredState.STOPPED || engine.calls(Verb.START) > 2);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
        assertThat(activity(id)).anyMatch(m -> m.contains("stopped on its own"));
        assertThat(engine.calls(Verb.START)).as("not started again").isEqualTo(2);
    }

    @Test
    void deletingAServerWhileItStartsCancelsTheStartAndRemovesEverything() throws Exception {
        UUID id = create(game().env("BOOT_DELAY", "60"));
        CompletableFuture<PowerResult> start = slowBoot(id);
        ServerController controller = fleet.controller(id);
        Path dataDir = fleet.settings().volumesRoot().resolve(id.toString());
        assertThat(dataDir).isDirectory();

        assertDone(fleet.delete(id, false).get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.OFFLINE);
        assertSupersededBy(start, "delete");
        assertThat(store.find(id)).isEmpty();
        assertThat(fleet.find(id)).isEmpty();
        assertThat(engine.containers()).isEmpty();
        assertThat(dataDir).doesNotExist();
        await().atMost(HANG).until(() -> events.stream().anyMatch(e -> e instanceof ServerEvent.Deleted d && d.serverId().equals(id)));
        await().atMost(HANG).until(controller::isTerminated);
        assertThat(controller.submit(new Intent.Power(PowerAction.START)).get()).isInstanceOfSatisfying(PowerResult.Failed.class,
                f -> assertThat(f.reason()).contains("was deleted"));
    }

    @Test
    void aDaemonShuttingDownAnswersTheIntentInFlightAndEveryQueuedOneAndLeavesTheServerRunning() throws Exception {
        UUID id = create(game().env("IGNORE_STOP", "1"));
        CompletableFuture<PowerResult> stop = stopInFlight(id);
        CompletableFuture<PowerResult> queued = fleet.power(id, PowerAction.RESTART);
        ServerController controller = fleet.controller(id);

        fleet.close();

        for (CompletableFuture<PowerResult> f : List.of(stop, queued)) {
            assertThat(f.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(PowerResult.Failed.class,
                    failed -> assertThat(failed.reason()).isEqualTo("the daemon is shutting down"));
        }
        assertThat(controller.isTerminated()).isTrue();
        assertThat(controller.submit(new Intent.Power(PowerAction.START)).get()).isInstanceOf(PowerResult.Failed.class);
        assertThat(engineRunning(id)).as("game servers outlive the daemon").isTrue();
    }

    // ------------------------------------------------------------------ the engine going away

    @Test
    void aServerTheEngineStopsOnItsWayOutKeepsItsDesiredStateAndRunsAgainWhenTheEngineIsBackWhileAStoppedOneStaysStopped()
            throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        UUID stopped = create(game().name("stopped"));
        assertDone(power(stopped, PowerAction.START), ServerState.RUNNING);
        assertDone(power(stopped, PowerAction.STOP), ServerState.OFFLINE);
        Instant away = Instant.now();

        engine.goAway(); // exit code 0, as on the engine's SIGTERM: not the operator's stop

        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.OFFLINE);
        assertThat(fleet.controller(id).desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(events).noneMatch(e -> e instanceof ServerEvent.Crashed);

        engine.comeBack(away);

        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.RUNNING && engineRunning(id));
        assertThat(runtime.find(id, Deadline.in(HANG))).as("the same container, started again").hasSize(1);
        assertThat(activity(id)).anyMatch(m -> m.startsWith("stopped by the engine"));
        // the reconciliation that brought it back looked at every server: the stopped one stays stopped
        assertThat(fleet.controller(stopped).state()).isEqualTo(ServerState.OFFLINE);
        assertThat(store.find(stopped).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(engineRunning(stopped)).isFalse();
    }

    @Test
    void aCleanExitWhileTheEngineIsFineIsStillTheServerStoppingOnItsOwn() throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);

        engine.stop(id);

        await().atMost(HANG).until(() -> store.find(id).orElseThrow().desired() == DesiredState.STOPPED);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
    }

    // ------------------------------------------------------------------ crashes

    @Test
    void aServerThatKeepsCrashingIsRestartedWithAGrowingBackoffUntilItIsDeclaredACrashLoop() throws Exception {
        engine.programs(spec -> run -> run.print("Done!"));
        UUID id = create(game().restartPolicy(RestartPolicy.onFailure(2)));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        crashOnceBooted(id, 3);

        await().atMost(HANG).until(() -> events.stream().anyMatch(e -> e instanceof ServerEvent.CrashLoop l && l.serverId().equals(id)));
        List<ServerEvent.Crashed> crashes = events.stream().filter(e -> e instanceof ServerEvent.Crashed c && c.serverId().equals(id))
                .map(ServerEvent.Crashed.class::cast).toList();
        assertThat(crashes).extracting(ServerEvent.Crashed::crashesInWindow).containsExactly(1, 2, 3);
        assertThat(crashes).extracting(ServerEvent.Crashed::willRestart).containsExactly(true, true, false);
        assertThat(activity(id)).anyMatch(m -> m.endsWith("restart 1 of 2 in 50 ms")).anyMatch(m -> m.endsWith("restart 2 of 2 in 100 ms"));
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.OFFLINE && fleet.controller(id).view().busyWith() == null);
        assertThat(fleet.controller(id).view().crashLoop()).isTrue();
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(engine.calls(Verb.START)).as("the first start and two restarts, no more").isEqualTo(3);

        engine.programs(spec -> run -> run.print("Done!"));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertThat(fleet.controller(id).view().crashLoop()).as("an operator's start forgets the crash loop").isFalse();
    }

    @Test
    void aServerThatExitsBeforeItsReadyLineFailsTheStartWithItsExitCodeAndItsLastLines() throws Exception {
        engine.programs(spec -> run -> {
            run.print("[Boot] Starting");
            run.printError("nc: bind: Address already in use");
            run.exit(3);
        });
        UUID id = create(game());
        PowerResult r = power(id, PowerAction.START);
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason()).isEqualTo(
                "the server exited during boot with code 3; its last 2 lines of output:\n[Boot] Starting\nnc: bind: Address already in use"));
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
        await().atMost(HANG).until(() -> events.stream().anyMatch(e -> e instanceof ServerEvent.Crashed c && c.exitCode() == 3 && !c.willRestart()));
    }

    @Test
    void aStartTheEngineRefusesForATakenPortFailsSayingWhichPort() throws Exception {
        UUID id = create(game());
        engine.on(Verb.START).once().fail(CallRule.Failure.PORT_IN_USE);
        PowerResult r = power(id, PowerAction.START);
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason())
                .startsWith("port in use: 0.0.0.0:25565/tcp is in use by another program (the engine says: "));
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
    }

    // ------------------------------------------------------------------ boots without a ready line

    /** The test game without a ready pattern: a boot is over once it has run through its settle window. */
    private static ServerSpec.Builder settling(Duration settle) {
        return game().readyPattern(null).settle(settle);
    }

    @Test
    void aStartupCommandThatIsNotFoundFailsTheStartInsteadOfReportingItStarted() throws Exception {
        engine.programs(spec -> run -> {
            run.printError("sh: 1: nosuchgame: not found");
            run.exit(127);
        });
        UUID id = create(settling(ServerSpec.DEFAULT_SETTLE));
        PowerResult r = power(id, PowerAction.START);
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason()).isEqualTo(
                "the server exited during boot with code 127; its last line of output:\nsh: 1: nosuchgame: not found"));
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
        assertThat(statesOf(id)).doesNotContain(ServerState.RUNNING);
    }

    @Test
    void aServerThatDiesWithinItsSettleWindowFailsTheStartAndNeverCountsAsRunning() throws Exception {
        engine.programs(spec -> run -> {
            run.print("[Boot] Starting");
            run.after(Duration.ofMillis(300), () -> {
                run.printError("Exception in thread main: world is corrupt");
                run.exit(1);
            });
        });
        UUID id = create(settling(Duration.ofSeconds(60)));
        PowerResult r = power(id, PowerAction.START);
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason())
                .startsWith("the server exited during boot with code 1;").endsWith("[Boot] Starting\nException in thread main: world is corrupt"));
        await().atMost(HANG).until(() -> statesOf(id).contains(ServerState.OFFLINE)); // the bus delivers on its own thread
        assertThat(statesOf(id)).containsExactly(ServerState.STARTING, ServerState.OFFLINE);
    }

    @Test
    void aServerWithoutAReadyPatternIsStartingThroughoutItsSettleWindow() throws Exception {
        UUID id = create(settling(Duration.ofSeconds(60)));
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> engineRunning(id) && engine.output(id).contains("Done! For help, type \"help\""));
        assertThat(fleet.controller(id).state()).as("it printed its ready line, but nobody asked for one").isEqualTo(ServerState.STARTING);
        assertThat(start).isNotDone();

        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        assertSupersededBy(start, "stop");
    }

    @Test
    void aServerThatOutlastsItsSettleWindowIsRunning() throws Exception {
        UUID id = create(settling(Duration.ofMillis(500)));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        // the bus hands events to each subscriber on its own thread: the last may arrive just after the result
        await().atMost(HANG).untilAsserted(() -> assertThat(statesOf(id)).containsExactly(ServerState.STARTING, ServerState.RUNNING));
        assertThat(activity(id)).anyMatch(m -> m.contains("still running 0.5 s after its start"));
    }

    @Test
    void aSettleWindowOfZeroCountsTheServerRunningAsSoonAsItsProcessRuns() throws Exception {
        engine.programs(spec -> run -> run.print("[Boot] Starting")); // runs, and never says more
        UUID id = create(settling(Duration.ZERO));
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertThat(engine.openLogStreams()).as("nothing to watch for").isZero();
    }

    @Test
    void aLogStreamThatBreaksDuringTheBootIsFollowedAgainAndTheReadyLineStillCounts() throws Exception {
        engine.programs(spec -> run -> run.print("[Boot] Starting")); // the ready line comes from the test
        UUID id = create(game());
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        await().atMost(HANG).until(() -> engine.openLogStreams() == 1 && fleet.controller(id).state() == ServerState.STARTING);
        engine.breakStreams(id);
        await().atMost(HANG).until(() -> engine.logRequests().size() == 2 && engine.openLogStreams() == 1);
        engine.emit(id, "Done!");
        assertDone(start.get(HANG.toSeconds(), TimeUnit.SECONDS), ServerState.RUNNING);
        assertThat(engine.logRequests().get(1)).as("followed again from the same start").isEqualTo(engine.logRequests().get(0));
    }

    @Test
    void anExitNobodyReportedIsNoticedByTheSweep() throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        engine.dropEvents(true);
        engine.exit(id, 0);
        // the controller turns the state offline first and writes why a moment later: wait for the why
        await().atMost(HANG).untilAsserted(() -> assertThat(activity(id)).anyMatch(m -> m.contains("stopped on its own")));
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.OFFLINE);
    }

    // ------------------------------------------------------------------ containers

    @Test
    void aDuplicateContainerIsRemovedAndTheDeterministicallyNamedOneKept() throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        assertDone(power(id, PowerAction.STOP), ServerState.OFFLINE);
        ContainerRef planted = engine.plant(id, "raptor-copy", Map.of(RuntimeLabels.SERVER, id.toString()), null);
        String copy = planted.id();
        // started behind Raptor's back: the engine's event about a container other than the one it knows makes the
        // controller search again (a stopped server's start otherwise trusts the container it knows)
        runtime.start(planted, Deadline.in(HANG));
        // the event reaches the controller through the fleet's router, on its own time: the start below must come after.
        // Hearing it makes the controller doubt its known container and observe, and the observe's search removes the
        // copy and knows the kept one again: the doubt can be over before a poll sees it, so either proves it was heard.
        await().atMost(HANG).until(() -> !fleet.controller(id).trustsKnownContainer()
                || activity(id).contains("removed duplicate container " + copy));

        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        List<ContainerInfo> left = runtime.find(id, Deadline.in(HANG));
        assertThat(left).extracting(c -> c.ref().name()).containsExactly(RuntimeLabels.containerName(id));
        assertThat(activity(id)).contains("removed duplicate container " + copy);
    }

    @Test
    void aContainerNamedLikeTheServersButNotLabelledIsNeverTouched() throws Exception {
        UUID id = create(game());
        String foreign = engine.plant(id, RuntimeLabels.containerName(id), Map.of("owner", "someone else"), null).id();
        PowerResult r = power(id, PowerAction.START);
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason()).contains("does not own"));
        assertThat(engine.containers()).extracting(c -> c.ref().id()).containsExactly(foreign);
    }

    @Test
    void bootReconciliationRemovesDuplicatesAndOrphansItOwnsAndAdoptsWhatRuns() throws Exception {
        UUID id = create(game());
        assertDone(power(id, PowerAction.START), ServerState.RUNNING);
        fleet.close();
        UUID gone = UUID.randomUUID();
        engine.plant(id, "raptor-copy", Map.of(RuntimeLabels.SERVER, id.toString()), null);
        engine.plant(gone, RuntimeLabels.containerName(gone), Map.of(RuntimeLabels.SERVER, gone.toString()), null);
        String othersNode = engine.plant(gone, "raptor-x", Map.of(RuntimeLabels.SERVER, gone.toString(), RuntimeLabels.NODE, "b"), null).id();
        String unlabelled = engine.plant(gone, "mysql", Map.of(), null).id();
        long startsBefore = engine.calls(Verb.START);

        fleet = new ServerFleet(store, runtime, bus, fleet.settings());
        ServerFleet.ReconcileReport report = fleet.boot();

        assertThat(report.adopted()).isEqualTo(1);
        assertThat(report.duplicatesRemoved()).isEqualTo(1);
        assertThat(report.orphansRemoved()).isEqualTo(1);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        assertThat(engine.calls(Verb.START)).as("adopted, not restarted").isEqualTo(startsBefore);
        assertThat(engine.containers()).extracting(c -> c.ref().id()).contains(othersNode, unlabelled).hasSize(3);
    }
}
