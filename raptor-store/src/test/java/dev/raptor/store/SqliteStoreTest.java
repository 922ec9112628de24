package dev.raptor.store;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.DuplicateServerException;
import dev.raptor.core.server.NameTakenException;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StaleVersionException;
import dev.raptor.core.server.StoredServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class SqliteStoreTest {
    @TempDir
    Path dataDir;

    private SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(dev.raptor.store.sftp.PasswordCost.TESTING));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void createStoresTheSpecAtVersionOneAndStopped() {
        ServerSpec spec = Specs.minecraft("lobby");

        StoredServer created = store.create(spec);

        assertThat(created.version()).isEqualTo(1);
        assertThat(created.desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(created.createdAt()).isEqualTo(created.updatedAt());
        assertThat(store.find(spec.id())).contains(created);
    }

    @Test
    void fileRulesAreStoredWithTheSpecAndARowWithoutThemReadsAsNone() throws Exception {
        ServerSpec spec = Specs.minecraft("lobby").toBuilder()
                .fileRules(dev.raptor.core.server.FileRules.of(java.util.List.of("*.log", "!keep.log"), java.util.List.of("/server.jar")))
                .build();
        store.create(spec);
        store.close();
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(dev.raptor.store.sftp.PasswordCost.TESTING));
        assertThat(store.find(spec.id()).orElseThrow().spec().fileRules()).isEqualTo(spec.fileRules());

        // a row an earlier Raptor wrote (spec format 2: no query, no fileRules member) reads as a spec without rules
        ServerSpec plain = Specs.minecraft("plain");
        String v2 = dev.raptor.store.row.SpecRows.write(plain).replace(",\"query\":null", "").replace(",\"backups\":null", "")
                .replace(",\"fileRules\":null", "");
        assertThat(v2).doesNotContain("fileRules").doesNotContain("backups").doesNotContain("query");
        assertThat(dev.raptor.store.row.SpecRows.read(v2, dev.raptor.store.row.SpecFormat.V2)).isEqualTo(plain);

        // a row of spec format 7 has backup settings but no fileRules member: it keeps its backups and has no rules
        ServerSpec scheduled = plain.toBuilder().backups(new dev.raptor.core.backup.BackupPolicy("@daily", 7, null,
                java.util.List.of("logs/"), java.util.List.of(), java.util.List.of())).build();
        String v7 = dev.raptor.store.row.SpecRows.write(scheduled).replace(",\"fileRules\":null", "");
        assertThat(v7).doesNotContain("fileRules").contains("\"backups\":{\"schedule\":\"@daily\"");
        ServerSpec read = dev.raptor.store.row.SpecRows.read(v7, dev.raptor.store.row.SpecFormat.V7);
        assertThat(read).isEqualTo(scheduled);
        assertThat(read.fileRules()).isEqualTo(dev.raptor.core.server.FileRules.NONE);
    }

    @Test
    void aNewDatabaseItsWriteAheadLogAndTheLockAreReadableByTheirOwnerOnly() throws Exception {
        store.create(Specs.minecraft("private")); // the WAL and its index exist while the store is open
        for (String name : List.of("raptor.db", "raptor.db-wal", "raptor.db-shm", DataDirectoryLock.FILE_NAME)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(name)))).as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void theDatabaseFileIsRaptorDbInTheDataDirectory() {
        assertThat(store.databaseFile()).isEqualTo(dataDir.toAbsolutePath().resolve("raptor.db"));
        assertThat(store.databaseFile()).exists();
    }

    @Test
    void openCreatesAMissingDataDirectory() {
        Path nested = dataDir.resolve("a/b/c");
        try (SqliteStore other = SqliteStore.open(nested)) {
            assertThat(other.list()).isEmpty();
        }
        assertThat(nested.resolve("raptor.db")).exists();
    }

    @Test
    void creatingAnExistingIdIsRefused() {
        ServerSpec spec = Specs.minecraft("lobby");
        store.create(spec);

        assertThatThrownBy(() -> store.create(spec.withName("other")))
                .isInstanceOf(DuplicateServerException.class)
                .hasMessageContaining(spec.id().toString());
        assertThat(store.find(spec.id()).orElseThrow().spec().name()).isEqualTo("lobby");
    }

    @Test
    void aNameAnotherServerHasIsRefusedIgnoringCaseAndNothingIsWritten() {
        StoredServer lobby = store.create(Specs.minecraft("Lobby"));
        ServerSpec second = Specs.minecraft("lobby");

        assertThatThrownBy(() -> store.create(second)).isInstanceOfSatisfying(NameTakenException.class,
                e -> assertThat(e.holder()).isEqualTo(lobby.id()));
        assertThat(store.find(second.id())).isEmpty();

        StoredServer hub = store.create(Specs.minecraft("hub"));
        assertThatThrownBy(() -> store.update(hub.id(), 1, hub.spec().withName(" LOBBY "))).isInstanceOf(NameTakenException.class);
        assertThat(store.find(hub.id()).orElseThrow().version()).isEqualTo(1);
        assertThat(store.update(lobby.id(), 1, lobby.spec().withName("LOBBY")).spec().name()).as("its own name, recased").isEqualTo("LOBBY");
    }

    @Test
    void findOfAnUnknownIdIsEmpty() {
        assertThat(store.find(UUID.randomUUID())).isEmpty();
    }

    @Test
    void updateReplacesTheSpecAndBumpsTheVersion() {
        StoredServer created = store.create(Specs.minecraft("lobby"));

        StoredServer updated = store.update(created.id(), 1, created.spec().withName("hub"));

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.createdAt()).isEqualTo(created.createdAt());
        assertThat(store.find(created.id())).contains(updated);
    }

    @Test
    void staleVersionUpdateIsRefused() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        store.update(created.id(), 1, created.spec().withName("hub"));

        assertThatThrownBy(() -> store.update(created.id(), 1, created.spec().withName("late writer")))
                .isInstanceOfSatisfying(StaleVersionException.class, e -> {
                    assertThat(e.expected()).isEqualTo(1);
                    assertThat(e.actual()).isEqualTo(2);
                });
        StoredServer stored = store.find(created.id()).orElseThrow();
        assertThat(stored.spec().name()).isEqualTo("hub");
        assertThat(stored.version()).isEqualTo(2);
    }

    @Test
    void updateOfAnUnknownServerIsNotFound() {
        ServerSpec spec = Specs.minecraft("ghost");

        assertThatThrownBy(() -> store.update(spec.id(), 1, spec)).isInstanceOf(ServerNotFoundException.class);
    }

    @Test
    void updateWithAnotherServersSpecIsRefused() {
        StoredServer created = store.create(Specs.minecraft("lobby"));

        assertThatThrownBy(() -> store.update(created.id(), 1, Specs.minecraft("other")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(created.id()).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void desiredStateChangeLeavesTheVersionAlone() {
        StoredServer created = store.create(Specs.minecraft("lobby"));

        StoredServer running = store.setDesiredState(created.id(), DesiredState.RUNNING);

        assertThat(running.desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(running.version()).isEqualTo(1);
        assertThat(store.find(created.id())).contains(running);
    }

    @Test
    void aDesiredStateTheServerAlreadyHasIsNotWrittenAgainAndStaysOnDisk() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        StoredServer running = store.setDesiredState(created.id(), DesiredState.RUNNING);
        long syncs = store.syncedCommits();

        assertThat(store.setDesiredState(created.id(), DesiredState.RUNNING)).isEqualTo(running);

        assertThat(store.syncedCommits()).as("no second commit for the same intent").isEqualTo(syncs);
        store.close();
        store = SqliteStore.open(dataDir);
        assertThat(store.find(created.id())).contains(running);
        long reopened = store.syncedCommits();
        assertThat(store.setDesiredState(created.id(), DesiredState.STOPPED).desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(store.syncedCommits() - reopened).as("a change is written").isEqualTo(1);
    }

    @Test
    void desiredStateOfAnUnknownServerIsNotFound() {
        assertThatThrownBy(() -> store.setDesiredState(UUID.randomUUID(), DesiredState.RUNNING))
                .isInstanceOf(ServerNotFoundException.class);
    }

    @Test
    void anOperationsPendingRecordIsWrittenInItsIntentsCommit() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        long syncs = store.syncedCommits();

        StoredServer running = store.setDesiredState(created.id(), DesiredState.RUNNING, pending("op-start", created.id()));

        assertThat(running.desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(store.syncedCommits() - syncs).as("one commit for both").isEqualTo(1);
        store.close();
        store = SqliteStore.open(dataDir);
        assertThat(store.find(created.id())).contains(running);
        assertThat(store.operationRecords().find("op-start")).get().extracting(OperationRecord::status)
                .isEqualTo(OperationStatus.PENDING);
    }

    @Test
    void anIntentThatChangesNothingCommitsItsOperationsRecordWithoutASyncUntilItIsAskedFor() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        StoredServer running = store.setDesiredState(created.id(), DesiredState.RUNNING);
        long syncs = store.syncedCommits();
        PendingOperation again = pending("op-again", created.id());

        assertThat(store.setDesiredState(created.id(), DesiredState.RUNNING, again)).isEqualTo(running);

        assertThat(store.syncedCommits() - syncs).as("the record alone: no sync of its own").isZero();
        assertThat(store.operationRecords().find("op-again")).as("committed: readers see it").isPresent();
        again.onDisk();
        assertThat(store.syncedCommits() - syncs).as("synced when asked for").isEqualTo(1);
        again.onDisk();
        assertThat(store.syncedCommits() - syncs).as("once").isEqualTo(1);
    }

    @Test
    void aLaterSyncedCommitPutsAnUnsyncedOperationsRecordOnDisk() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        PendingOperation delete = pending("op-delete", created.id());
        store.setDesiredState(created.id(), DesiredState.STOPPED, delete); // a stopped server's delete: no change
        long syncs = store.syncedCommits();

        store.appendActivity(created.id(), "test", "a synced commit after it", Map.of());
        delete.onDisk();

        assertThat(store.syncedCommits() - syncs).as("the entry's sync only: nothing more for the record").isEqualTo(1);
    }

    @Test
    void anOperationsAnswerRidesInTheCommitOfTheStateItsActionEndsIn() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        PendingOperation start = pending("op-start", created.id());
        store.setDesiredState(created.id(), DesiredState.RUNNING, start);
        long syncs = store.syncedCommits();
        long commits = store.commits();

        var answer = start.done("running");
        ActivityEntry entry = store.appendActivity(created.id(), "state", "starting -> running: process running", Map.of(), answer);

        assertThat(store.commits() - commits).as("one commit").isEqualTo(1);
        assertThat(store.syncedCommits() - syncs).as("one sync").isEqualTo(1);
        store.close();
        store = SqliteStore.open(dataDir);
        assertThat(store.operationRecords().find("op-start")).contains(answer.answer());
        assertThat(store.activity(created.id(), Long.MAX_VALUE, 10)).extracting(ActivityEntry::id).contains(entry.id());
    }

    @Test
    void aDeletesAnswerRidesInTheRemovalsCommit() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        PendingOperation delete = pending("op-delete", created.id());
        store.setDesiredState(created.id(), DesiredState.STOPPED, delete);
        long syncs = store.syncedCommits();

        assertThat(store.delete(created.id(), null, delete.done("offline"))).isTrue();

        assertThat(store.syncedCommits() - syncs).as("the removal and the answer: one sync").isEqualTo(1);
        store.close();
        store = SqliteStore.open(dataDir);
        assertThat(store.find(created.id())).isEmpty();
        assertThat(store.operationRecords().find("op-delete")).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(OperationStatus.DONE);
            assertThat(r.state()).isEqualTo("offline");
        });
    }

    @Test
    void anIntentForAnUnknownServerLeavesNoOperationsRecord() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> store.setDesiredState(unknown, DesiredState.RUNNING, pending("op-lost", unknown)))
                .isInstanceOf(ServerNotFoundException.class);

        assertThat(store.operationRecords().find("op-lost")).isEmpty();
    }

    private static PendingOperation pending(String operation, UUID server) {
        return new PendingOperation(OperationRecord.pending(operation, server, "start", Instant.parse("2026-12-06T00:00:00Z")),
                Clock.systemUTC(), Duration.ofHours(1), 100);
    }

    @Test
    void timestampsComeFromTheClock() {
        store.close();
        Instant t0 = Instant.parse("2025-03-14T10:15:02.123Z");
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withClock(Clock.fixed(t0, ZoneOffset.UTC)));

        StoredServer created = store.create(Specs.minecraft("lobby"));

        assertThat(created.createdAt()).isEqualTo(t0);
        assertThat(store.find(created.id()).orElseThrow().updatedAt()).isEqualTo(t0);
    }

    @Test
    void listReturnsServersOldestFirst() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(store.create(Specs.minecraft("server-" + i)).id());
        }

        assertThat(store.list()).extracting(StoredServer::id).containsExactlyElementsOf(ids);
    }

    @Test
    void deleteRemovesTheServerAndSaysWhetherItExisted() {
        StoredServer created = store.create(Specs.minecraft("lobby"));

        assertThat(store.delete(created.id())).isTrue();
        assertThat(store.delete(created.id())).isFalse();
        assertThat(store.find(created.id())).isEmpty();
    }

    @Test
    void aDeleteThatLeavesFilesOnANodeRecordsThemWithTheDeleteAndTheRecordSurvivesAReopenUntilItIsDone() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        var files = new dev.raptor.core.node.PendingRemoval.Target(created.id(), created.createdAt(), "worker-2",
                "/var/lib/raptor/volumes/" + created.id(), "itzg/minecraft-server:latest", "node worker-2 does not answer");

        assertThat(store.delete(created.id(), files)).isTrue();
        assertThat(store.find(created.id())).isEmpty();
        store.close();
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(dev.raptor.store.sftp.PasswordCost.TESTING));

        var pending = store.pendingRemovals();
        assertThat(pending).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo(files);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.lastError()).isEqualTo("node worker-2 does not answer");
            assertThat(r.nextAttempt()).as("not at once: the node just failed").isAfter(r.since());
        });
        java.time.Instant later = java.time.Instant.now().plusSeconds(600);
        store.removalFailed(pending.getFirst().id(), 2, later, "still down");
        assertThat(store.pendingRemovals()).singleElement().satisfies(r -> {
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.nextAttempt()).isEqualTo(java.time.Instant.ofEpochMilli(later.toEpochMilli()));
            assertThat(r.lastError()).isEqualTo("still down");
        });
        store.removalDone(pending.getFirst().id());
        assertThat(store.pendingRemovals()).isEmpty();
    }

    @Test
    void aDeleteOfAServerThatIsGoneRecordsNoRemoval() {
        UUID gone = UUID.randomUUID();
        var files = new dev.raptor.core.node.PendingRemoval.Target(gone, java.time.Instant.now(), "worker-2", "/v/" + gone,
                "img", "down");

        assertThat(store.delete(gone, files)).isFalse();
        assertThat(store.pendingRemovals()).as("nothing was deleted, so nothing is owed").isEmpty();
    }

    @Test
    void deletingAServerKeepsItsActivity() {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        store.appendActivity(created.id(), "power.start", "started", Map.of());

        store.delete(created.id());

        assertThat(store.activity(created.id(), Long.MAX_VALUE, 10)).extracting(ActivityEntry::type).containsExactly("power.start");
    }

    @Test
    void appendedActivityComesBackWithItsDetails() {
        UUID server = store.create(Specs.minecraft("lobby")).id();

        ActivityEntry entry = store.appendActivity(server, "crash", "exited with 137", Map.of("exitCode", "137", "oom", "true"));

        assertThat(entry.id()).isPositive();
        assertThat(store.activity(server, Long.MAX_VALUE, 10)).containsExactly(entry);
    }

    @Test
    void activityPagesNewestFirstBeforeAnId() {
        UUID server = store.create(Specs.minecraft("lobby")).id();
        UUID other = store.create(Specs.minecraft("other")).id();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(store.appendActivity(server, "state", "entry " + i, Map.of()).id());
            store.appendActivity(other, "state", "noise " + i, Map.of());
        }

        List<ActivityEntry> first = store.activity(server, Long.MAX_VALUE, 3);
        List<ActivityEntry> second = store.activity(server, first.getLast().id(), 3);
        List<ActivityEntry> last = store.activity(server, second.getLast().id(), 3);

        assertThat(first).extracting(ActivityEntry::id).containsExactly(ids.get(6), ids.get(5), ids.get(4));
        assertThat(second).extracting(ActivityEntry::id).containsExactly(ids.get(3), ids.get(2), ids.get(1));
        assertThat(last).extracting(ActivityEntry::id).containsExactly(ids.get(0));
    }

    @Test
    void activityPageSizeMustBeBetweenOneAndAThousand() {
        UUID server = UUID.randomUUID();

        assertThatThrownBy(() -> store.activity(server, Long.MAX_VALUE, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.activity(server, Long.MAX_VALUE, 1001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateSurvivesClosingAndReopening() {
        StoredServer created = store.create(Specs.everyField());
        StoredServer running = store.setDesiredState(created.id(), DesiredState.RUNNING);
        store.close();

        store = SqliteStore.open(dataDir);

        assertThat(store.find(created.id())).contains(running);
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> SqliteStore.open(dataDir))
                .isInstanceOf(StoreLockedException.class)
                .hasMessageContaining(dataDir.toString());
    }

    @Test
    void aClosedStoreRefusesWork() {
        store.close();

        assertThatThrownBy(() -> store.list()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.create(Specs.minecraft("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theWriterCommitsInWalModeWithFullSync() {
        List<String> settings = store.database().write("read pragmas", c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement()) {
                for (String pragma : List.of("journal_mode", "synchronous", "foreign_keys")) {
                    try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
                        rs.next();
                        out.add(pragma + "=" + rs.getString(1));
                    }
                }
            }
            return out;
        });

        // synchronous 2 = FULL: every commit syncs the WAL before the write is acknowledged.
        assertThat(settings).containsExactly("journal_mode=wal", "synchronous=2", "foreign_keys=1");
    }

    @Test
    void readsDoNotWaitBehindAnOpenWrite() throws Exception {
        StoredServer created = store.create(Specs.minecraft("lobby"));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var writer = executor.submit(() -> store.database().write("slow write", c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE servers SET desired = 'running'");
                }
                writing.countDown();
                awaitUninterruptibly(release);
                return null;
            }));
            writing.await();

            // The write holds the lock and an uncommitted change; reads see the last commit at once.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> { // a read that waited for the write would wait forever
                assertThat(store.find(created.id()).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
                assertThat(store.list()).hasSize(1);
            });
            release.countDown();
            writer.get(60, TimeUnit.SECONDS);
        }
        assertThat(store.find(created.id()).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the write");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void concurrentWritersAllLand() throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<StoredServer>> futures = IntStream.range(0, 64)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        StoredServer s = store.create(Specs.minecraft("server-" + i));
                        return store.setDesiredState(s.id(), DesiredState.RUNNING);
                    }, executor))
                    .toList();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }

        assertThat(store.list()).hasSize(64).allSatisfy(s -> assertThat(s.desired()).isEqualTo(DesiredState.RUNNING));
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        StoredServer created = store.create(Specs.minecraft("lobby"));

        assertThatThrownBy(() -> store.database().write("half a write", c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE servers SET desired = 'running'");
            }
            throw new IllegalStateException("boom");
        })).hasMessage("boom");

        assertThat(store.find(created.id()).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
    }

    @Test
    void theHealthProbeCountsTheServersInTheDatabase() {
        store.create(Specs.minecraft("lobby"));
        store.create(Specs.minecraft("hub"));

        assertThat(store.probeServerCount()).isEqualTo(2);
        store.close();
        assertThatThrownBy(() -> store.probeServerCount()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLiveDatabasePassesTheFullIntegrityCheck() {
        store.create(Specs.everyField());

        assertThat(store.checkIntegrity()).isEmpty();
    }

    @Test
    void aSpecsGameQueryIsStoredAndReadBack() {
        for (dev.raptor.core.query.GameQuery q : java.util.List.of(dev.raptor.core.query.GameQuery.minecraft(),
                dev.raptor.core.query.GameQuery.source(2457), dev.raptor.core.query.GameQuery.rcon(25575, "hunter2", "status"))) {
            ServerSpec spec = Specs.minecraft("q-" + q.protocol().wireName()).toBuilder().id(null).query(q).build();
            store.create(spec);
            assertThat(store.find(spec.id()).orElseThrow().spec().query()).isEqualTo(q);
        }
    }

    @Test
    void aRowWrittenBeforeSpecsHadAQueryReadsAsNone() {
        ServerSpec spec = Specs.minecraft("old-row");
        String v2 = dev.raptor.store.row.SpecRows.write(spec).replace(",\"query\":null", "");
        assertThat(v2).doesNotContain("query");
        assertThat(dev.raptor.store.row.SpecRows.read(v2, dev.raptor.store.row.SpecFormat.V2)).isEqualTo(spec);
    }

    @Test
    void aSpecsNetworksAndRestartWhenUnhealthyAreStoredAndReadBack() {
        ServerSpec spec = Specs.minecraft("networked").toBuilder().id(null).network("lobby-net", "lobby", "hub").network("db-net")
                .restartPolicy(dev.raptor.core.power.RestartPolicy.onFailure(2).withOnUnhealthy(true)).build();
        store.create(spec);
        ServerSpec read = store.find(spec.id()).orElseThrow().spec();
        assertThat(read.networks()).isEqualTo(spec.networks());
        assertThat(read.restartPolicy().onUnhealthy()).isTrue();
        assertThat(read).isEqualTo(spec);
    }

    @Test
    void aRowWrittenBeforeSpecsHadNetworksReadsAsNoneAndNoRestartWhenUnhealthy() {
        ServerSpec spec = Specs.minecraft("v3-row");
        String v3 = dev.raptor.store.row.SpecRows.write(spec).replace(",\"networks\":[]", "").replace(",\"onUnhealthy\":false", "")
                .replace(",\"messaging\":false", "");
        assertThat(v3).doesNotContain("networks").doesNotContain("onUnhealthy").doesNotContain("messaging");
        assertThat(dev.raptor.store.row.SpecRows.read(v3, dev.raptor.store.row.SpecFormat.V3)).isEqualTo(spec);
    }

    @Test
    void aV5RowWithAMessageSocketButNoNetworksKeepsItsMessagingAndJoinsNoNetwork() {
        ServerSpec spec = Specs.minecraft("v5-row").toBuilder().messaging(true).build();
        String v5 = dev.raptor.store.row.SpecRows.write(spec).replace(",\"networks\":[]", "").replace(",\"onUnhealthy\":false", "");
        assertThat(v5).contains("\"messaging\":true").doesNotContain("networks").doesNotContain("onUnhealthy");
        ServerSpec read = dev.raptor.store.row.SpecRows.read(v5, dev.raptor.store.row.SpecFormat.V5);
        assertThat(read).isEqualTo(spec);
        assertThat(read.messaging()).isTrue();
        assertThat(read.networks()).isEmpty();
    }

    @Test
    void theNodeASpecNamesIsKeptAndARowOfFormat8WithoutOneReadsAsTheRuntimesChoice() {
        ServerSpec pinned = Specs.minecraft("pinned").toBuilder().node("worker-2").build();
        String row = dev.raptor.store.row.SpecRows.write(pinned);
        assertThat(row).contains("\"node\":\"worker-2\"");
        assertThat(dev.raptor.store.row.SpecRows.read(row, dev.raptor.store.row.SpecFormat.V9)).isEqualTo(pinned);
        store.create(pinned);
        assertThat(store.find(pinned.id()).orElseThrow().spec().node()).isEqualTo("worker-2");

        ServerSpec plain = Specs.minecraft("plain");
        String v8 = dev.raptor.store.row.SpecRows.write(plain).replace(",\"node\":null", "");
        assertThat(v8).doesNotContain("node");
        assertThat(dev.raptor.store.row.SpecRows.read(v8, dev.raptor.store.row.SpecFormat.V8)).isEqualTo(plain);
        assertThat(dev.raptor.store.row.SpecRows.read(v8, dev.raptor.store.row.SpecFormat.V8).node()).isNull();
    }

    @Test
    void rowsAreWrittenInFormat9AndAFormatThisRaptorDoesNotKnowIsRefusedByItsNumber() {
        assertThat(dev.raptor.store.row.SpecFormat.CURRENT.number()).isEqualTo(9);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> dev.raptor.store.row.SpecFormat.of(10)).withMessageContaining("spec format 10");
    }

    @Test
    void theHealthProbeCommitsAWrite() throws Exception {
        assertThat(store.probeWrite()).startsWith("sqlite committed a write");
        store.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteStore.DATABASE_FILE));
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*), max(written_at) FROM health_probe")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getLong(2)).isPositive();
        }
        store = SqliteStore.open(dataDir);
    }
}
