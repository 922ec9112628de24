package dev.raptor.core.power;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeEngine.Verb;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of creates and starts reaches the engine a few at a time ({@link EngineSlots}), while kills and stops go
 * straight through, a pre-empted start leaves the queue, the wait for a turn is bounded, and a call's own deadline
 * starts only once it has its turn.
 */
class EngineSlotsTest {
    private static final Duration HANG = Duration.ofSeconds(30);
    private static final String IMAGE = "raptor-test/gameserver:1";

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = runtime.engine();
    private final MemoryStore store = new MemoryStore();
    private final EventBus bus = new EventBus();
    private ServerFleet fleet;

    private ServerFleet open(ControllerSettings settings) {
        fleet = new ServerFleet(store, runtime, bus, settings.withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
        fleet.boot();
        return fleet;
    }

    private ControllerSettings slots(int n, Duration wait) {
        return ControllerSettings.defaults(tmp.resolve("volumes")).withEngineSlots(n, wait);
    }

    @AfterEach
    void closeAll() {
        engine.releaseHangs();
        if (fleet != null) {
            fleet.close();
        }
        bus.close();
        runtime.close();
    }

    private UUID create(String name) {
        return fleet.create(ServerSpec.builder(IMAGE).name(name).build()).id();
    }

    private static PowerResult answer(CompletableFuture<PowerResult> f) throws Exception {
        return f.get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    private static void assertDone(PowerResult r, ServerState state) {
        assertThat(r).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(state));
    }

    private long creates(UUID id) {
        return engine.calls().stream().filter(c -> c.verb() == Verb.CREATE && id.equals(c.serverId())).count();
    }

    private boolean engineRunning(UUID id) {
        return runtime.find(id, Deadline.in(HANG)).stream().anyMatch(ContainerInfo::running);
    }

    /** A start whose create hangs at the engine (holding its slot) until the test releases it. */
    private CompletableFuture<PowerResult> aStartWhoseCreateHangs() {
        engine.on(Verb.CREATE).once().hang();
        CompletableFuture<PowerResult> start = fleet.power(create("first"), PowerAction.START);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.CREATE) == 1);
        return start;
    }

    @Test
    void aBurstOfStartsHasNoMoreCreatesAtTheEngineThanThereAreSlotsAndAllOfThemSucceed() throws Exception {
        open(slots(2, HANG));
        engine.on(Verb.CREATE).times(2).hang(); // the first two hold both slots until released
        List<CompletableFuture<PowerResult>> starts = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID id = create("burst-" + i);
            ids.add(id);
            starts.add(fleet.power(id, PowerAction.START));
        }

        await().atMost(HANG).until(() -> fleet.engineSlots().waiting() == 3);
        assertThat(engine.inFlightCalls(Verb.CREATE)).as("two creates at the engine, three waiting for a turn").isEqualTo(2);
        assertThat(engine.inFlightCalls(Verb.START)).isZero();
        assertThat(fleet.engineSlots().inUse()).isEqualTo(2);

        engine.releaseHangs();
        for (CompletableFuture<PowerResult> start : starts) {
            assertDone(answer(start), ServerState.RUNNING);
        }
        assertThat(ids).allMatch(this::engineRunning);
        assertThat(fleet.engineSlots().inUse()).as("every turn given back").isZero();
    }

    @Test
    void aKillAndAStopNeverWaitForATurnWhileCreatesHoldEverySlot() throws Exception {
        open(slots(1, HANG));
        UUID killed = create("killed");
        UUID stopped = create("stopped");
        assertDone(answer(fleet.power(killed, PowerAction.START)), ServerState.RUNNING);
        assertDone(answer(fleet.power(stopped, PowerAction.START)), ServerState.RUNNING);
        engine.on(Verb.CREATE).once().hang();
        UUID busy = create("busy");
        CompletableFuture<PowerResult> holding = fleet.power(busy, PowerAction.START);
        await().atMost(HANG).until(() -> engine.inFlightCalls(Verb.CREATE) == 1);
        assertThat(fleet.engineSlots().inUse()).isEqualTo(1);

        assertDone(answer(fleet.power(killed, PowerAction.KILL)), ServerState.OFFLINE);
        assertDone(answer(fleet.power(stopped, PowerAction.STOP)), ServerState.OFFLINE);
        assertThat(engine.inFlightCalls(Verb.CREATE)).as("the create still holds the only slot").isEqualTo(1);
        assertThat(holding).isNotDone();

        engine.releaseHangs();
        assertDone(answer(holding), ServerState.RUNNING);
    }

    @Test
    void aStartWaitingForATurnThatAKillPreEmptsLeavesTheQueueAndNeverReachesTheEngine() throws Exception {
        open(slots(1, HANG));
        CompletableFuture<PowerResult> holding = aStartWhoseCreateHangs();
        UUID queued = create("queued");
        CompletableFuture<PowerResult> waiting = fleet.power(queued, PowerAction.START);
        await().atMost(HANG).until(() -> fleet.engineSlots().waiting() == 1);

        assertDone(answer(fleet.power(queued, PowerAction.KILL)), ServerState.OFFLINE);
        assertThat(answer(waiting)).isInstanceOf(PowerResult.Superseded.class);
        assertThat(fleet.engineSlots().waiting()).as("the pre-empted start left the queue").isZero();

        engine.releaseHangs();
        assertDone(answer(holding), ServerState.RUNNING);
        assertThat(creates(queued)).as("the pre-empted start never created anything").isZero();
        assertThat(engineRunning(queued)).isFalse();
        assertThat(fleet.engineSlots().inUse()).isZero();
    }

    @Test
    void aStartThatGetsNoTurnWithinTheBoundFailsSayingWhy() throws Exception {
        open(slots(1, Duration.ofMillis(300)));
        CompletableFuture<PowerResult> holding = aStartWhoseCreateHangs();
        UUID starved = create("starved");

        PowerResult result = answer(fleet.power(starved, PowerAction.START));

        assertThat(result).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason())
                .contains("create of server " + starved, "waited 300 ms", "engineSlots"));
        assertThat(creates(starved)).isZero();
        assertThat(fleet.controller(starved).state()).isEqualTo(ServerState.OFFLINE);
        engine.releaseHangs();
        assertDone(answer(holding), ServerState.RUNNING);
    }

    @Test
    void theWaitForATurnDoesNotCountAgainstTheCallsOwnDeadline() throws Exception {
        // every start has 2 s; the second start waits longer than that for the first server's create
        open(slots(1, HANG).withEngineTimeout(Duration.ofSeconds(2)));
        CompletableFuture<PowerResult> holding = aStartWhoseCreateHangs();
        UUID second = create("second");
        CompletableFuture<PowerResult> waiting = fleet.power(second, PowerAction.START);
        await().atMost(HANG).until(() -> fleet.engineSlots().waiting() == 1);
        // still queued, not failed, past the start's own 2 s: a deadline counted from the queue would have ended it
        await().pollDelay(Duration.ofMillis(2_500)).atMost(HANG)
                .until(() -> fleet.engineSlots().waiting() == 1 && !waiting.isDone());

        engine.releaseHangs();
        assertDone(answer(holding), ServerState.RUNNING);
        assertDone(answer(waiting), ServerState.RUNNING);
    }
}
