package dev.raptor.core.power;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Maintenance (a restore) on the controller: serialised with power actions, which it refuses meanwhile. */
class MaintenanceTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final MemoryStore store = new MemoryStore();
    private final EventBus bus = new EventBus();
    private ServerFleet fleet;

    @BeforeEach
    void openFleet() {
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")));
        fleet.boot();
    }

    @AfterEach
    void closeAll() {
        fleet.close();
        bus.close();
        runtime.close();
    }

    private UUID create() {
        return fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("game").readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30))).build()).id();
    }

    private PowerResult result(CompletableFuture<PowerResult> f) throws Exception {
        return f.get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    private boolean engineRunning(UUID id) {
        return runtime.find(id, Deadline.in(HANG)).stream().anyMatch(ContainerInfo::running);
    }

    @Test
    void aRunningServerIsStoppedForTheWorkAndStartedAgainAfter() throws Exception {
        UUID id = create();
        assertThat(result(fleet.power(id, PowerAction.START))).isInstanceOf(PowerResult.Done.class);
        AtomicReference<Boolean> runningDuringWork = new AtomicReference<>();

        PowerResult r = result(fleet.maintain(id, "restore", () -> runningDuringWork.set(engineRunning(id))));

        assertThat(runningDuringWork.get()).isFalse();
        assertThat(r).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
        assertThat(engineRunning(id)).isTrue();
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(store.activity(id, Long.MAX_VALUE, 100).stream().map(ActivityEntry::message).toList())
                .contains("restore started (the server was stopped for it)", "restore done; the server was started again");
    }

    @Test
    void aStoppedServerStaysStopped() throws Exception {
        UUID id = create();

        PowerResult r = result(fleet.maintain(id, "restore", () -> { }));

        assertThat(r).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(ServerState.OFFLINE));
        assertThat(engineRunning(id)).isFalse();
    }

    @Test
    void aStartAskedTheMomentAnInstallShowsOfflineQueuesBehindItInsteadOfBeingRefused() throws Exception {
        UUID id = create();
        CompletableFuture<CompletableFuture<PowerResult>> askedAtOffline = new CompletableFuture<>();
        // on the lifecycle's own thread, at the entry of the state change to offline: the install is still in hand
        store.onActivity(e -> {
            if (e.server().equals(id) && e.message().startsWith("installing -> offline") && !askedAtOffline.isDone()) {
                try {
                    askedAtOffline.complete(fleet.power(id, PowerAction.START));
                } catch (RuntimeException refused) {
                    askedAtOffline.completeExceptionally(refused);
                }
            }
        });

        PowerResult install = result(fleet.install(id, "install", () -> { }));

        assertThat(install).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(ServerState.OFFLINE));
        PowerResult start = result(askedAtOffline.get(HANG.toSeconds(), TimeUnit.SECONDS));
        assertThat(start).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
        assertThat(engineRunning(id)).isTrue();
    }

    @Test
    void powerActionsAreRefusedWhileTheWorkRunsAndNothingOfThemIsWritten() throws Exception {
        UUID id = create();
        CountDownLatch inWork = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<PowerResult> restore = fleet.maintain(id, "restore", () -> {
            inWork.countDown();
            release.await();
        });
        assertThat(inWork.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();

        for (PowerAction a : PowerAction.values()) {
            assertThatThrownBy(() -> fleet.power(id, a)).isInstanceOf(ServerBusyException.class).hasMessageContaining("restore");
        }
        assertThatThrownBy(() -> fleet.delete(id, true)).isInstanceOf(ServerBusyException.class);
        assertThatThrownBy(() -> fleet.maintain(id, "restore", () -> { })).isInstanceOf(ServerBusyException.class);
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(store.activity(id, Long.MAX_VALUE, 100)).noneMatch(e -> e.type().startsWith("power."));
        assertThat(fleet.controller(id).view().busyWith()).isEqualTo("restore");

        release.countDown();
        assertThat(result(restore)).isInstanceOf(PowerResult.Done.class);
        assertThat(result(fleet.power(id, PowerAction.START))).isInstanceOf(PowerResult.Done.class);
    }

    @Test
    void failedWorkFailsTheIntentWithItsReasonAndTheServerRunsAgain() throws Exception {
        UUID id = create();
        assertThat(result(fleet.power(id, PowerAction.START))).isInstanceOf(PowerResult.Done.class);

        PowerResult r = result(fleet.maintain(id, "restore", () -> {
            throw new java.io.IOException("backup b1 is damaged");
        }));

        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class, f -> assertThat(f.reason())
                .isEqualTo("restore failed: backup b1 is damaged; the server was started again"));
        await().atMost(HANG).until(() -> engineRunning(id));
    }

    @Test
    void theWorkRunsOnAPlatformThreadOfItsOwn() throws Exception {
        UUID id = create();
        AtomicReference<Thread> ran = new AtomicReference<>();

        result(fleet.maintain(id, "restore", () -> ran.set(Thread.currentThread())));

        assertThat(ran.get().isVirtual()).isFalse();
        assertThat(ran.get().getName()).isEqualTo("restore-" + id);
    }

    @Test
    void aMaintenanceAfterAStartIsNeverSupersededAndLeavesTheServerRunningAsDesired() throws Exception {
        UUID id = create();
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
        CompletableFuture<PowerResult> restore = fleet.maintain(id, "restore", () -> { });

        // The start ran first, or, still queued, was superseded by the restore (the latest word): either way the
        // restore happens and the server ends up running, as its desired state says.
        assertThat(result(start)).satisfiesAnyOf(
                r -> assertThat(r).isInstanceOf(PowerResult.Done.class),
                r -> assertThat(r).isInstanceOfSatisfying(PowerResult.Superseded.class, s -> assertThat(s.by().describe()).isEqualTo("restore")));
        assertThat(result(restore)).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
        assertThat(List.of(engineRunning(id))).containsExactly(true);
    }

    @Test
    void aStartSupersededInTheQueueByAMaintenanceIsCarriedOutAfterIt() throws Exception {
        UUID id = fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("stubborn").readyPattern("Done!")
                .env("IGNORE_STOP", "1").stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30))).build()).id();
        assertThat(result(fleet.power(id, PowerAction.START))).isInstanceOf(PowerResult.Done.class);
        CompletableFuture<PowerResult> stop = fleet.power(id, PowerAction.STOP);
        await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.STOPPING);
        CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START); // queued behind the stop
        CompletableFuture<PowerResult> restore = fleet.maintain(id, "restore", () -> { });

        assertThat(result(start)).isInstanceOfSatisfying(PowerResult.Superseded.class, s -> assertThat(s.by().describe()).isEqualTo("restore"));
        runtime.engine().exit(id, 0); // the stubborn server finally exits: the stop ends, the restore runs
        assertThat(result(stop)).isInstanceOf(PowerResult.Done.class);
        assertThat(result(restore)).isInstanceOfSatisfying(PowerResult.Done.class, d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
        assertThat(engineRunning(id)).isTrue();
    }
}
