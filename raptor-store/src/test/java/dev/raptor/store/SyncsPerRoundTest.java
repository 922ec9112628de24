package dev.raptor.store;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.ServerFixture;
import dev.raptor.store.operation.OperationRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
     * in its intent's commit and whose answer is a synced commit of its own. 10 syncs per round (12 when the pending
     * record was a commit of its own).
     */
    @Test
    void aRoundOfOperationsWritesEachPendingRecordInItsIntentsCommit() throws Exception {
        // start and stop: the intent with the operation's pending record, the state the action ends in, the answer.
        // delete: its intent changes no desired state, so the pending record is synced alone; the row's removal; the answer.
        assertThat(syncsOfARound(true)).containsExactly(Map.entry("create", 1L), Map.entry("start", 3L), Map.entry("stop", 3L),
                Map.entry("delete", 3L));
    }

    /**
     * Creates, starts, stops and deletes a server on a fresh store, with the API's operations or without, and counts
     * the synced commits of each step.
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
                OperationRecord begun = operations ? pending(records, action.wireName(), id) : null;
                PowerResult result = f.fleet.power(id, action, begun).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS);
                assertThat(result).isInstanceOf(PowerResult.Done.class);
                answer(records, begun);
                before = count(syncs, action.wireName(), store, before);
            }
            OperationRecord delete = operations ? pending(records, "delete", id) : null;
            assertThat(f.fleet.delete(id, false, delete).get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(PowerResult.Done.class);
            answer(records, delete);
            count(syncs, "delete", store, before);
            assertThat(records.count()).isEqualTo(operations ? 3 : 0);
        }
        return syncs;
    }

    /** A new operation's pending record, not yet in the store. */
    private static OperationRecord pending(OperationRecords records, String action, UUID server) {
        OperationRecord begun = OperationRecord.pending("op-" + action, server, action, Instant.now());
        assertThat(records.find(begun.id())).isEmpty();
        return begun;
    }

    /** What the API's operations write when the action answers (nothing without an operation). */
    private static void answer(OperationRecords records, OperationRecord begun) {
        if (begun == null) {
            return;
        }
        assertThat(records.find(begun.id())).as("pending before the answer").get()
                .extracting(OperationRecord::status).isEqualTo(OperationStatus.PENDING);
        records.finish(new OperationRecord(begun.id(), begun.serverId(), begun.action(), OperationStatus.DONE, begun.createdAt(),
                Instant.now(), null, null, null));
        assertThat(records.find(begun.id())).get().extracting(OperationRecord::status).isEqualTo(OperationStatus.DONE);
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
