package dev.raptor.core.power;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import dev.raptor.core.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journaled power action's answer is written in the commit of the state the action ends in, and its submitter hears it
 * only once that commit has returned; an intent that pre-empts the action after its answer was decided does not change
 * that answer (the action did end so).
 */
class AnswerInItsCommitTest {
    @TempDir
    Path dir;

    @Test
    void aStartIsAnsweredOnlyAfterTheCommitOfRunningHoldsItsAnswerAndAStopArrivingMeanwhileLeavesItDone() throws Exception {
        MemoryStore store = new MemoryStore();
        CountDownLatch inCommit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.onActivity(e -> {
            if (e.message().startsWith("starting -> running")) {
                inCommit.countDown();
                awaitQuietly(release); // the commit has not returned yet
            }
        });
        try (ServerFixture f = new ServerFixture(new FakeRuntime(), store, ControllerSettings.defaults(dir.resolve("volumes")))) {
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            PendingOperation start = operation("op-start", id, "start");

            CompletableFuture<PowerResult> started = f.fleet.power(id, PowerAction.START, start);
            assertThat(inCommit.await(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(store.operation("op-start")).as("written in the commit of running").get()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(OperationStatus.DONE))
                    .satisfies(r -> assertThat(r.state()).isEqualTo("running"));
            // a stop pre-empts a start in hand: before, it answered the start superseded at once
            CompletableFuture<PowerResult> stopped = f.fleet.power(id, PowerAction.STOP);
            assertThat(started).as("not heard before its commit returns").isNotDone();

            release.countDown();
            assertThat(started.get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(new PowerResult.Done(new Intent.Power(PowerAction.START), ServerState.RUNNING));
            assertThat(start.answer()).as("the registry need not write it").isEqualTo(store.operation("op-start").orElseThrow());
            assertThat(stopped.get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(new PowerResult.Done(new Intent.Power(PowerAction.STOP), ServerState.OFFLINE));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aStopAndADeleteWriteTheirAnswersInTheCommitsOfOfflineAndOfTheRemoval() throws Exception {
        MemoryStore store = new MemoryStore();
        try (ServerFixture f = new ServerFixture(new FakeRuntime(), store, ControllerSettings.defaults(dir.resolve("volumes")))) {
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            assertThat(f.power(id, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
            PendingOperation stop = operation("op-stop", id, "stop");
            PendingOperation delete = operation("op-delete", id, "delete");

            assertThat(f.fleet.power(id, PowerAction.STOP, stop).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(PowerResult.Done.class);
            assertThat(f.fleet.delete(id, false, delete).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(PowerResult.Done.class);

            for (PendingOperation op : new PendingOperation[]{stop, delete}) {
                assertThat(op.answer()).as(op.record().action()).isNotNull()
                        .isEqualTo(store.operation(op.record().id()).orElseThrow())
                        .extracting(OperationRecord::state).isEqualTo("offline");
            }
            assertThat(store.find(id)).isEmpty();
        }
    }

    @Test
    void aStopOfAStoppedServerHasNoStateToRideInAndLeavesItsAnswerToTheJournal() throws Exception {
        MemoryStore store = new MemoryStore();
        try (ServerFixture f = new ServerFixture(new FakeRuntime(), store, ControllerSettings.defaults(dir.resolve("volumes")))) {
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            PendingOperation stop = operation("op-stop", id, "stop");

            assertThat(f.fleet.power(id, PowerAction.STOP, stop).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(new PowerResult.Done(new Intent.Power(PowerAction.STOP), ServerState.OFFLINE));

            assertThat(stop.answer()).as("no transition, no commit: the registry writes the answer").isNull();
            assertThat(store.operation("op-stop")).get().extracting(OperationRecord::status).isEqualTo(OperationStatus.PENDING);
        }
    }

    private static PendingOperation operation(String id, UUID server, String action) {
        return new PendingOperation(OperationRecord.pending(id, server, action, Instant.now()), Clock.systemUTC(),
                Duration.ofHours(1), 100);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
