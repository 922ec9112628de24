package dev.raptor.store;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeEngine.Verb;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.ServerFixture;
import dev.raptor.store.operation.OperationRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a server's create, start, stop and delete pay in synced commits ({@code fsync}s of the WAL) on the real
 * SQLite store: one per write that must be on disk before its answer, none for what the same operation follows with
 * a synced write (see {@link dev.raptor.store.sqlite.Database}). A sync that comes back fails here.
 */
class SyncsPerRoundTest {
    private static final UUID SERVER = UUID.fromString("5d1c9e0a-7b3f-4e2a-9c8d-1f2e3a4b5c6d");
    private static final Instant AT = Instant.parse("2026-12-06T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRoundOfTheFleetSyncsOnceForTheCreateTwicePerPowerActionAndOnceForTheDelete() throws Exception {
        // create: the row with its "server created" entry. start and stop: the intent (desired state), then the state
        // the action ends in; the request and the state passed through ride on the latter. delete: the row's removal
        // alone, since its intent (stopped) is what the stopped server's row already holds.
        assertThat(syncsOfARound(false)).containsExactly(Map.entry("create", 1L), Map.entry("start", 2L), Map.entry("stop", 2L),
                Map.entry("delete", 1L));
    }

    /**
     * The round as the API makes it: each power action and the delete is an operation, whose pending record is written
     * in its intent's commit and whose answer is written in the commit of the state the action ends in (the delete's in
     * the removal's), before the submitter hears it. 6 syncs per round (10 when each answer was a synced commit of its
     * own and the delete's pending record was synced alone; 12 when each pending record was a commit of its own).
     */
    @Test
    void aRoundOfOperationsWritesEachAnswerInTheCommitOfTheStateItsActionEndsIn() throws Exception {
        // start and stop: the intent with the operation's pending record; the state the action ends in with its answer.
        // delete: its intent changes no desired state, so the pending record is committed alone without a sync, which
        // the row's removal (with the answer) puts on disk before the answer is given: nothing to sync for it then.
        assertThat(syncsOfARound(true)).containsExactly(Map.entry("create", 1L), Map.entry("start", 2L), Map.entry("stop", 2L),
                Map.entry("delete", 1L));
    }

    /**
     * Creates, starts, stops and deletes a server on a fresh store, with the API's operations or without, and counts
     * the synced commits of each step. With operations, each answer must be on disk when the action's future completes
     * (the client hears it then), and the pending record before the answer is given ({@link PendingOperation#onDisk},
     * as the API calls it).
     */
    private Map<String, Long> syncsOfARound(boolean operations) throws Exception {
        Map<String, Long> syncs = new LinkedHashMap<>();
        try (SqliteStore store = SqliteStore.open(dir.resolve("data-" + operations));
             ServerFixture f = new ServerFixture(new FakeRuntime(), store, ControllerSettings.defaults(dir.resolve("volumes")))) {
            OperationRecords records = store.operationRecords();
            long before = store.syncedCommits();
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            before = count(syncs, "create", store, before);
            for (PowerAction action : new PowerAction[]{PowerAction.START, PowerAction.STOP}) {
                PendingOperation begun = operations ? pending(records, action.wireName(), id) : null;
                PowerResult result = f.fleet.power(id, action, begun).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS);
                assertThat(result).isInstanceOf(PowerResult.Done.class);
                answered(records, begun, action == PowerAction.START ? "running" : "offline");
                before = count(syncs, action.wireName(), store, before);
            }
            PendingOperation delete = operations ? pending(records, "delete", id) : null;
            assertThat(f.fleet.delete(id, false, delete).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(PowerResult.Done.class);
            answered(records, delete, "offline");
            count(syncs, "delete", store, before);
            assertThat(records.count()).isEqualTo(operations ? 3 : 0);
        }
        return syncs;
    }

    /**
     * A delete answered 202 before its removal (a client that does not wait, a removal slower than the wait): the pending
     * record its intent committed without a sync is synced before the answer names it, once; the removal's commit then
     * carries the answer. Two syncs, as before both cuts, but the first only when a 202 needs it.
     */
    @Test
    void aDeleteAnsweredBeforeItsRemovalSyncsItsPendingRecordOnceBeforeTheAnswer() throws Exception {
        FakeRuntime runtime = new FakeRuntime();
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"));
             ServerFixture f = new ServerFixture(runtime, store, ControllerSettings.defaults(dir.resolve("volumes")))) {
            OperationRecords records = store.operationRecords();
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            for (PowerAction action : new PowerAction[]{PowerAction.START, PowerAction.STOP}) { // a container to remove
                assertThat(f.fleet.power(id, action).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(PowerResult.Done.class);
            }
            runtime.engine().on(Verb.REMOVE).forServer(id).once().hangThenLand();
            long before = store.syncedCommits();

            PendingOperation delete = pending(records, "delete", id);
            var answer = f.fleet.delete(id, false, delete);
            assertThat(records.find(delete.record().id())).as("committed, for readers").isPresent();
            assertThat(store.syncedCommits() - before).as("the pending record alone, not synced").isZero();

            delete.onDisk(); // the API, about to answer 202
            assertThat(store.syncedCommits() - before).as("synced once before the answer names it").isEqualTo(1);
            delete.onDisk();
            assertThat(store.syncedCommits() - before).as("and only once").isEqualTo(1);

            // Released only once the remove hangs: a release before the call reaches the engine lets nothing go.
            await().atMost(ServerFixture.HANG).until(() -> runtime.engine().inFlightCalls(Verb.REMOVE) == 1);
            runtime.engine().releaseHangs();
            assertThat(answer.get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
            answered(records, delete, "offline");
            assertThat(store.syncedCommits() - before).as("the removal, with the answer").isEqualTo(2);
        }
    }

    /** A new operation, its pending record not yet in the store. */
    private static PendingOperation pending(OperationRecords records, String action, UUID server) {
        OperationRecord record = OperationRecord.pending("op-" + action, server, action, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        assertThat(records.find(record.id())).isEmpty();
        return new PendingOperation(record, Clock.systemUTC(), Duration.ofHours(1), 100);
    }

    /**
     * What the API checks before it answers: the pending record on disk (synced now if no commit has put it there),
     * and the answer written by the commit of the state the action ended in, so that it writes none of its own.
     */
    private static void answered(OperationRecords records, PendingOperation begun, String state) {
        if (begun == null) {
            return;
        }
        begun.onDisk();
        assertThat(begun.answer()).as("written by the action's last commit").isNotNull();
        assertThat(records.find(begun.record().id())).as("on disk when the action answers").get()
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(OperationStatus.DONE);
                    assertThat(r.state()).isEqualTo(state);
                    assertThat(r).isEqualTo(begun.answer());
                });
    }

    @Test
    void anOperationSyncsItsBeginningAndItsAnswerButNotThePruneThatFollows() {
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"))) {
            OperationRecords records = store.operationRecords();
            long before = store.syncedCommits();
            startedAndAnswered(records, "op-1", SERVER, AT);
            assertThat(store.syncedCommits() - before).as("begin and finish").isEqualTo(2);
            // a prune on its own (the boot's)
            assertThat(records.prune(AT.plusSeconds(1), 0)).isEqualTo(1);
            assertThat(records.prune(AT, 100)).isZero();
            assertThat(store.syncedCommits() - before).as("after two prunes, one deleting a row").isEqualTo(2);
            assertThat(records.count()).isZero();
        }
    }

    @Test
    void anAnswerAndThePruneAfterItAreOneSyncedCommit() {
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"))) {
            OperationRecords records = store.operationRecords();
            startedAndAnswered(records, "op-old", SERVER, AT);
            records.begin(OperationRecord.pending("op-2", SERVER, "stop", AT.plusSeconds(1)));
            long commits = store.commits();
            long synced = store.syncedCommits();

            // what the API's operations do after every answer: keep one answered operation, the newest
            records.finishAndPrune(done("op-2", SERVER, "stop", AT.plusSeconds(1), "offline"), AT, 1);

            assertThat(store.commits() - commits).as("commits").isEqualTo(1);
            assertThat(store.syncedCommits() - synced).as("synced commits").isEqualTo(1);
            assertThat(records.find("op-2")).get().extracting(OperationRecord::status).isEqualTo(OperationStatus.DONE);
            assertThat(records.find("op-old")).as("pruned in the answer's commit").isEmpty();
            assertThatThrownBy(() -> records.finishAndPrune(OperationRecord.pending("op-3", SERVER, "start", AT), AT, 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(records.find("op-3")).as("a pending record is no answer: nothing written").isEmpty();
        }
    }

    /** A start's pending record, then its answer: two writes, each synced. */
    private static void startedAndAnswered(OperationRecords records, String id, UUID server, Instant at) {
        records.begin(OperationRecord.pending(id, server, "start", at));
        records.finish(done(id, server, "start", at, "running"));
    }

    /** Answered done 5 ms after {@code at}, leaving the server in {@code state}. */
    private static OperationRecord done(String id, UUID server, String action, Instant at, String state) {
        return new OperationRecord(id, server, action, OperationStatus.DONE, at, at.plusMillis(5), state, null, null);
    }

    private static long count(Map<String, Long> syncs, String step, SqliteStore store, long before) {
        long now = store.syncedCommits();
        syncs.put(step, now - before);
        return now;
    }
}
