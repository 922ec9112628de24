package dev.raptor.api.operations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.Intent;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine.Verb;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.ServerFixture;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.operation.OperationRecords;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.operation.OperationProgress;
import dev.raptor.wire.problem.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Operations written through to a real SQLite store: what a client polling {@code GET /operations/{opId}}
 * reads after the daemon restarts (the store closed and opened again, a new registry on it).
 */
class DurableOperationsTest {
    private static final UUID SERVER = UUID.fromString("3b9d2f4a-1c5e-4f6a-8b7c-9d0e1f2a3b4c");
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Intent START = new Intent.Power(PowerAction.START);

    @TempDir
    Path dataDir;

    private final MovableClock clock = new MovableClock(Instant.parse("2025-03-01T12:00:00.123456Z"));
    private SqliteStore store;
    private Operations operations;

    @BeforeEach
    void open() {
        boot(100);
    }

    @AfterEach
    void close() {
        operations.close();
        store.close();
    }

    /** Opens the store and a registry on it, as a daemon boot does. */
    private void boot(int capacity) {
        store = SqliteStore.open(dataDir);
        operations = Operations.durable(store.operationRecords(), capacity, RETENTION, clock);
    }

    private void restart() {
        operations.close();
        store.close();
        boot(100);
    }

    private OperationRecords records() {
        return store.operationRecords();
    }

    /** Waits until the store holds the operation's answer (outcome writes run on their own thread). */
    private void awaitRecorded(Operation op) {
        await().atMost(ServerFixture.HANG)
                .until(() -> records().find(op.id()).map(r -> r.status() != OperationStatus.PENDING).orElse(false));
    }

    /** The operation as the API answers it. */
    private static JsonNode json(Operation op) {
        return WireJson.tree(op.toDocument());
    }

    @Test
    void aFinishedOperationReadsTheSameAfterARestart() {
        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "start", result);
        clock.advance(Duration.ofSeconds(4));
        result.complete(new PowerResult.Done(START, ServerState.RUNNING));
        awaitRecorded(op);
        JsonNode before = json(op);

        restart();

        Operation after = operations.find(op.id()).orElseThrow();
        assertThat(json(after)).isEqualTo(before);
        assertThat(after.status()).isEqualTo("done");
        assertThat(before.get("state").asText()).isEqualTo("running");
        assertThat(before.get("finishedAt").asText()).isEqualTo("2025-03-01T12:00:04.123Z");
        assertThat(operations.serverOf(op.id())).contains(SERVER);
        assertThat(operations.await(after, Duration.ZERO)).isTrue();
    }

    @Test
    void aSupersededOperationKeepsWhatSupersededItAcrossARestart() {
        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "start", result);
        result.complete(new PowerResult.Superseded(START, new Intent.Power(PowerAction.KILL)));
        awaitRecorded(op);

        restart();

        JsonNode json = json(operations.find(op.id()).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("superseded");
        assertThat(json.get("supersededBy").asText()).isEqualTo("kill");
        assertThat(json.get("reason").asText()).isEqualTo("superseded by a later 'kill'");
        assertThat(json.has("state")).isFalse();
    }

    @Test
    void aBackupsProgressAndTheBackupItMadeReadTheSameAfterARestart() {
        UUID backup = UUID.fromString("7c1e5a2b-9d3f-4e6a-8b0c-1d2e3f4a5b6c");
        Operation.Live live = new Operation.Live();
        live.backupId(backup);
        live.progress(new OperationProgress("archiving", 4096, 4096, 3, 3, 2048));
        CompletableFuture<Operation.Outcome> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, OperationKind.BACKUP, "backup", null, live, result);
        result.complete(new Operation.Outcome(OperationStatus.DONE, clock.instant().truncatedTo(ChronoUnit.MILLIS), null, null, null));
        awaitRecorded(op);
        JsonNode before = json(op);

        restart();

        JsonNode after = json(operations.find(op.id()).orElseThrow());
        assertThat(after).isEqualTo(before);
        assertThat(after.get("kind").asText()).isEqualTo("backup");
        assertThat(after.get("backupId").asText()).isEqualTo(backup.toString());
        assertThat(after.get("progress").get("stage").asText()).isEqualTo("archiving");
        assertThat(after.get("progress").get("bytesDone").asLong()).isEqualTo(4096);
    }

    @Test
    void aRefusedFileOperationKeepsItsPathTheProgressWhereItEndedAndItsProblemAcrossARestart() {
        AtomicLong bytes = new AtomicLong(1024);
        Operation.Live live = new Operation.Live();
        live.follow(() -> new OperationProgress("extracting", bytes.get(), 8192, 1, 4, 512));
        CompletableFuture<Operation.Outcome> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, OperationKind.FILES, "decompress", "/world", live, result);
        assertThat(json(op).get("progress").get("bytesDone").asLong()).isEqualTo(1024);
        bytes.set(2048);
        live.settle();
        bytes.set(9999); // once settled, the work's counters are no longer read
        result.complete(Operation.Outcome.refused(clock.instant().truncatedTo(ChronoUnit.MILLIS), "no room",
                Problem.of(507, "quota-exceeded", "Disk quota exceeded", "no room")));
        awaitRecorded(op);
        JsonNode before = json(op);

        restart();

        JsonNode after = json(operations.find(op.id()).orElseThrow());
        assertThat(after).isEqualTo(before);
        assertThat(after.get("kind").asText()).isEqualTo("files");
        assertThat(after.get("path").asText()).isEqualTo("/world");
        assertThat(after.get("progress").get("bytesDone").asLong()).isEqualTo(2048);
        assertThat(after.get("problem").get("status").asInt()).isEqualTo(507);
        assertThat(after.get("problem").get("type").asText()).endsWith("quota-exceeded");
    }

    @Test
    void flushReturnsOnceTheOutcomesAnsweredSoFarAreOnDisk() {
        List<Operation> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CompletableFuture<PowerResult> result = new CompletableFuture<>();
            ops.add(operations.track(SERVER, "start", result));
            result.complete(new PowerResult.Done(START, ServerState.RUNNING));
        }

        assertThat(operations.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(ops).allSatisfy(op -> assertThat(records().find(op.id()))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(OperationStatus.DONE)));
    }

    @Test
    void aTrackedOperationIsOnDiskBeforeTrackReturns() {
        Operation op = operations.track(SERVER, "stop", new CompletableFuture<>());

        assertThat(records().find(op.id())).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(OperationStatus.PENDING));
    }

    @Test
    void aSubmittedPowerActionsPendingRecordIsWrittenInItsIntentsCommitAndItsAnswerInTheCommitOfItsEnd() throws Exception {
        JsonNode before;
        String opId;
        try (ServerFixture f = new ServerFixture(new FakeRuntime(), store, ControllerSettings.defaults(dataDir.resolve("volumes")))) {
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            long syncs = store.syncedCommits();
            List<String> written = new ArrayList<>();

            Operation op = operations.submit(id, "start", begun -> {
                written.add(begun.record().id());
                CompletableFuture<PowerResult> result = f.fleet.power(id, PowerAction.START, begun);
                assertThat(records().find(begun.record().id())).as("on disk when the submission returns").isPresent();
                return result;
            });

            assertThat(written).containsExactly(op.id());
            assertThat(operations.await(op, ServerFixture.HANG)).isTrue();
            // on disk when the answer is given, as given: nothing left for the registry to write
            assertThat(records().find(op.id())).contains(op.toRecord());
            assertThat(op.status()).isEqualTo("done");
            long commits = store.commits();
            assertThat(operations.flush(ServerFixture.HANG)).isTrue();
            assertThat(store.commits()).as("no answer written after it is given").isEqualTo(commits);
            // the intent with the pending record; the running state with the answer
            assertThat(store.syncedCommits() - syncs).isEqualTo(2);
            before = json(op);
            opId = op.id();
        }
        restart();
        assertThat(json(operations.find(opId).orElseThrow())).as("read back after a restart").isEqualTo(before);
    }

    @Test
    void aDeleteNotYetDoneSyncsItsPendingRecordBeforeAnAnswerNamesItAndWritesItsAnswerWithTheRemoval() throws Exception {
        FakeRuntime runtime = new FakeRuntime();
        try (ServerFixture f = new ServerFixture(runtime, store, ControllerSettings.defaults(dataDir.resolve("volumes")))) {
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            f.fleet.power(id, PowerAction.START).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS);
            f.fleet.power(id, PowerAction.STOP).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS);
            runtime.engine().on(Verb.REMOVE).forServer(id).once().hangThenLand();
            long syncs = store.syncedCommits();

            Operation op = operations.submit(id, "delete", begun -> f.fleet.delete(id, false, begun));
            assertThat(operations.await(op, Duration.ZERO)).as("the removal hangs: a 202").isFalse();
            assertThat(store.syncedCommits() - syncs).as("its pending record alone: not synced").isZero();
            op.live().onDisk(); // what OperationAnswer does before the 202
            assertThat(store.syncedCommits() - syncs).as("synced before the answer names it").isEqualTo(1);

            // Released only once the remove hangs: a release before the call reaches the engine lets nothing go,
            // and the remove then ends at its deadline as a failed delete.
            await().atMost(ServerFixture.HANG).until(() -> runtime.engine().inFlightCalls(Verb.REMOVE) == 1);
            runtime.engine().releaseHangs();
            assertThat(operations.await(op, ServerFixture.HANG)).isTrue();
            assertThat(records().find(op.id())).contains(op.toRecord());
            assertThat(op.toRecord().state()).isEqualTo("offline");
            assertThat(store.syncedCommits() - syncs).as("and the removal with the answer").isEqualTo(2);
        }
    }

    @Test
    void aRefusedSubmissionLeavesNoOperation() {
        UUID unknown = UUID.randomUUID();
        String[] asked = new String[1];

        assertThatThrownBy(() -> operations.submit(unknown, "start", begun -> {
            asked[0] = begun.record().id();
            throw new ServerNotFoundException(unknown);
        })).isInstanceOf(ServerNotFoundException.class);

        assertThat(operations.size()).isZero();
        assertThat(operations.find(asked[0])).isEmpty();
        assertThat(records().count()).isZero();
    }

    @Test
    void anOperationPendingAtShutdownReadsAsSupersededByTheRestart() {
        Operation op = operations.track(SERVER, "start", new CompletableFuture<>());
        assertThat(json(op).get("status").asText()).isEqualTo("pending");

        clock.advance(Duration.ofMinutes(2));
        restart();

        JsonNode json = json(operations.find(op.id()).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("superseded");
        assertThat(json.get("supersededBy").asText()).isEqualTo(Operations.RESTART);
        assertThat(json.get("reason").asText())
                .startsWith("the daemon restarted before this start finished")
                .contains("boot reconciliation carries out the desired state it recorded");
        assertThat(json.get("finishedAt").asText()).isEqualTo("2025-03-01T12:02:00.123Z");
        assertThat(json.get("createdAt").asText()).isEqualTo("2025-03-01T12:00:00.123Z");
    }

    @Test
    void anOperationTheShutdownAbandonsIsAnsweredByTheNextBootAsSupersededByTheRestart() {
        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "start", result);

        operations.close(); // the daemon begins to shut down; then its controllers give up what they were doing
        result.complete(new PowerResult.Failed(START, "the daemon is shutting down"));
        assertThat(operations.flush(Duration.ofSeconds(10))).isTrue();
        restart();

        JsonNode json = json(operations.find(op.id()).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("superseded");
        assertThat(json.get("supersededBy").asText()).isEqualTo(Operations.RESTART);
    }

    @Test
    void anOperationThatFinishesDuringTheShutdownKeepsItsAnswer() {
        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "stop", result);

        operations.close();
        result.complete(new PowerResult.Done(new Intent.Power(PowerAction.STOP), ServerState.OFFLINE));
        assertThat(operations.flush(Duration.ofSeconds(10))).isTrue();
        restart();

        JsonNode json = json(operations.find(op.id()).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("done");
        assertThat(json.get("state").asText()).isEqualTo("offline");
    }

    @Test
    void aDeleteCutShortByARestartSaysTheServerWasNotRemoved() {
        Operation op = operations.track(SERVER, "delete", new CompletableFuture<>());

        restart();

        assertThat(json(operations.find(op.id()).orElseThrow()).get("reason").asText())
                .contains("does not remove it: delete it again");
    }

    @Test
    void aFinishedOperationPastRetentionIsGoneFromMemoryAndFromTheStore() {
        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "start", result);
        result.complete(new PowerResult.Done(START, ServerState.RUNNING));
        awaitRecorded(op);

        clock.advance(RETENTION.plusSeconds(1));

        assertThat(operations.find(op.id())).isEmpty();
        restart();
        assertThat(records().find(op.id())).as("pruned when the next daemon opened its operations").isEmpty();
        assertThat(operations.find(op.id())).isEmpty();
    }

    @Test
    void theStoreKeepsAtMostCapacityAnsweredOperations() {
        operations.close();
        store.close();
        boot(2);
        List<Operation> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<PowerResult> result = new CompletableFuture<>();
            Operation op = operations.track(SERVER, "start", result);
            clock.advance(Duration.ofSeconds(1));
            result.complete(new PowerResult.Done(START, ServerState.RUNNING));
            awaitRecorded(op);
            ops.add(op);
        }

        await().atMost(ServerFixture.HANG).until(() -> records().count() == 2);
        assertThat(records().find(ops.get(0).id())).as("the oldest answer goes first").isEmpty();
        assertThat(records().find(ops.get(2).id())).isPresent();
    }

    @Test
    void anAnswerAndThePruneAfterItAreOneCommit() {
        operations.close();
        store.close();
        boot(1);
        CompletableFuture<PowerResult> first = new CompletableFuture<>();
        Operation old = operations.track(SERVER, "start", first);
        first.complete(new PowerResult.Done(START, ServerState.RUNNING));
        assertThat(operations.flush(ServerFixture.HANG)).isTrue();
        CompletableFuture<PowerResult> second = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "stop", second);
        clock.advance(Duration.ofSeconds(1));
        long commits = store.commits();
        long synced = store.syncedCommits();

        second.complete(new PowerResult.Done(new Intent.Power(PowerAction.STOP), ServerState.OFFLINE));
        assertThat(operations.flush(ServerFixture.HANG)).isTrue();

        // one turn of the write lock for the answer, its prune riding in it (before: a second, unsynced commit)
        assertThat(store.commits() - commits).as("commits for one answer").isEqualTo(1);
        assertThat(store.syncedCommits() - synced).as("the answer's commit is synced").isEqualTo(1);
        assertThat(records().find(op.id()).orElseThrow().status()).isEqualTo(OperationStatus.DONE);
        assertThat(records().find(old.id())).as("pruned beyond the one kept, in the answer's commit").isEmpty();
    }

    @Test
    void aStoreThatCannotBeWrittenDoesNotBreakTheOperation() {
        store.close(); // every write now fails

        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "start", result);
        result.complete(new PowerResult.Done(START, ServerState.RUNNING));

        assertThat(operations.await(op, Duration.ofSeconds(5))).isTrue();
        assertThat(operations.find(op.id())).containsSame(op);
        assertThat(json(op).get("status").asText()).isEqualTo("done");
        assertThat(json(op).get("state").asText()).isEqualTo("running");
        store = SqliteStore.open(dataDir); // for close()
    }

    @Test
    void anOutcomeTheStoreCouldNotRecordStillAnswersFromMemory() {
        CompletableFuture<PowerResult> result = new CompletableFuture<>();
        Operation op = operations.track(SERVER, "kill", result);
        store.close(); // the pending row made it; the answer will not

        result.complete(new PowerResult.Failed(new Intent.Power(PowerAction.KILL), "the engine did not answer"));

        assertThat(operations.await(op, Duration.ofSeconds(5))).isTrue();
        JsonNode json = json(operations.find(op.id()).orElseThrow());
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("reason").asText()).isEqualTo("the engine did not answer");
        store = SqliteStore.open(dataDir);
    }

    @Test
    void anUnknownOperationIsEmpty() {
        assertThat(operations.find("no-such-operation")).isEmpty();
        assertThat(operations.serverOf("no-such-operation")).isEmpty();
    }

    /** A clock that stands still until the test moves it. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
