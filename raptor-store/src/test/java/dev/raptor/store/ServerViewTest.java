package dev.raptor.store;

import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportMode;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StaleVersionException;
import dev.raptor.core.server.StoredServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code find} and {@code list} answer from memory ({@link ServerView}); these tests hold that view to
 * the table: after every kind of write, after failed ones, and under concurrent writers and readers.
 */
class ServerViewTest {
    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock(Instant.parse("2026-01-05T08:00:00Z"));
    private SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withClock(clock));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The servers table as a fresh read connection sees it, in the order the store lists. */
    private List<StoredServer> table() {
        return store.database().read("read the table", c -> {
            List<StoredServer> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + ServerRows.COLUMNS + " FROM servers ORDER BY created_at, rowid");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ServerRows.read(rs));
                }
            }
            return out;
        });
    }

    /** A trigger that makes SQLite refuse, mid-transaction, a write matching {@code when}. */
    private void refuse(String event, String when) {
        store.database().write("install a refusing trigger", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TRIGGER refuse_" + event.replace(' ', '_') + " BEFORE " + event + " ON servers WHEN " + when
                        + " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
            }
            return null;
        });
    }

    private static ImportPlan plan(List<StoredServer> servers) {
        return new ImportPlan(ImportFormat.RAPTOR_EXPORT, servers, Map.of(), List.of());
    }

    @Test
    void aWriteThatBreaksAConstraintHalfwayShowsNoneOfItsChanges() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        StoredServer other = new StoredServer(Specs.minecraft("other"), 1, DesiredState.RUNNING, clock.instant(), clock.instant());

        assertThatThrownBy(() -> store.database().write("half a write", c -> {
            ServerRows.insert(c, other);
            ServerRows.replace(c, new StoredServer(lobby.spec().withName("renamed"), 7, DesiredState.RUNNING,
                    lobby.createdAt(), lobby.updatedAt()));
            ServerRows.insert(c, other); // the same id again: PRIMARY KEY violated
            return null;
        })).isInstanceOf(StoreException.class).hasMessageContaining("UNIQUE");

        assertThat(store.list()).containsExactly(lobby);
        assertThat(store.find(other.id())).isEmpty();
        assertThat(store.list()).isEqualTo(table());
    }

    @Test
    void aSpecUpdateTheDatabaseRefusesLeavesTheServerAsItWas() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        refuse("UPDATE OF spec", "NEW.name = 'forbidden'");

        assertThatThrownBy(() -> store.update(lobby.id(), 1, lobby.spec().withName("forbidden")))
                .isInstanceOf(StoreException.class).hasMessageContaining("refused by the test");

        assertThat(store.find(lobby.id())).contains(lobby);
        assertThat(store.list()).containsExactly(lobby);
        // Nothing is left pending either: the next write shows exactly itself.
        StoredServer hub = store.update(lobby.id(), 1, lobby.spec().withName("hub"));
        assertThat(store.list()).containsExactly(hub).isEqualTo(table());
    }

    @Test
    void aDesiredStateTheDatabaseRefusesIsNotShown() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        refuse("UPDATE OF desired", "NEW.desired = 'running'");

        assertThatThrownBy(() -> store.setDesiredState(lobby.id(), DesiredState.RUNNING)).isInstanceOf(StoreException.class);

        assertThat(store.find(lobby.id()).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
    }

    @Test
    void anImportThatFailsHalfwayShowsNoneOfItsServers() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        List<StoredServer> incoming = List.of(
                new StoredServer(Specs.minecraft("first"), 1, DesiredState.STOPPED, clock.instant(), clock.instant()),
                new StoredServer(Specs.minecraft("second"), 1, DesiredState.STOPPED, clock.instant(), clock.instant()),
                new StoredServer(lobby.spec().withName("lobby, imported"), 3, DesiredState.RUNNING, clock.instant(), clock.instant()));
        refuse("INSERT", "NEW.name = 'second'");

        assertThatThrownBy(() -> store.importPlan(plan(incoming), ImportMode.REPLACE_EXISTING))
                .isInstanceOf(StoreException.class);

        assertThat(store.list()).containsExactly(lobby);
        assertThat(store.find(incoming.getFirst().id())).isEmpty();
    }

    @Test
    void anImportShowsItsNewAndReplacedServersAtOnce() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        StoredServer hub = store.create(Specs.minecraft("hub"));
        Instant longAgo = clock.instant().minus(Duration.ofDays(4));
        Instant earlier = clock.instant().minus(Duration.ofDays(3));
        StoredServer old = new StoredServer(Specs.minecraft("old"), 4, DesiredState.RUNNING, longAgo, longAgo);
        StoredServer hubImported = new StoredServer(hub.spec().withName("hub, imported"), 1, DesiredState.RUNNING, earlier, earlier);

        store.importPlan(plan(List.of(old, hubImported)), ImportMode.REPLACE_EXISTING);

        // The imported creation times come first; a replaced server's version moves past the one it had.
        assertThat(store.list()).extracting(s -> s.spec().name()).containsExactly("old", "hub, imported", "lobby");
        assertThat(store.find(hub.id()).orElseThrow().version()).isEqualTo(2);
        assertThat(store.find(old.id())).contains(old);
        assertThat(store.find(lobby.id())).contains(lobby);
        assertThat(store.list()).isEqualTo(table());
    }

    @Test
    void anUpdateShowsTheNewSpecAtOnce() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        clock.advance(Duration.ofSeconds(1));

        StoredServer hub = store.update(lobby.id(), 1, lobby.spec().toBuilder().name("hub").env("MOTD", "moved").build());

        assertThat(store.find(lobby.id())).contains(hub);
        assertThat(store.list()).containsExactly(hub);
        assertThat(store.find(lobby.id()).orElseThrow().spec().environment()).containsEntry("MOTD", "moved");
    }

    @Test
    void aDeleteRemovesTheServerFromFindAndList() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        StoredServer hub = store.create(Specs.minecraft("hub"));

        store.delete(lobby.id());

        assertThat(store.find(lobby.id())).isEmpty();
        assertThat(store.list()).containsExactly(hub);
    }

    @Test
    void aWriteThatBypassesTheStoreStillShowsOnceCommitted() {
        store.create(Specs.minecraft("lobby"));
        store.create(Specs.minecraft("hub"));

        store.database().write("raw SQL", c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE servers SET desired = 'running'");
            }
            return null;
        });
        assertThat(store.list()).allSatisfy(s -> assertThat(s.desired()).isEqualTo(DesiredState.RUNNING));

        store.database().write("raw SQL", c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM servers");
            }
            return null;
        });
        assertThat(store.list()).isEmpty();
    }

    @Test
    void theListKeepsTheTablesOrderThroughDeletesAndRecreates() {
        // One clock tick for all: the order falls to the rowid, as in the table.
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(store.create(Specs.minecraft("server-" + i)).id());
        }
        store.delete(ids.get(5));
        store.delete(ids.get(1));
        store.create(Specs.minecraft("late"));
        store.update(ids.get(0), 1, store.find(ids.get(0)).orElseThrow().spec().withName("first, renamed"));

        assertThat(store.list()).isEqualTo(table());
        assertThat(store.list().getLast().spec().name()).isEqualTo("late");
    }

    @Test
    void aSpecThisRaptorCannotReadFailsTheListButNotTheOpenNorTheOtherServers() {
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        StoredServer hub = store.create(Specs.minecraft("hub"));
        store.database().write("store a spec from the future", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET spec = '{\"from\": \"the future\"}' WHERE id = ?")) {
                ps.setString(1, lobby.id().toString());
                ps.executeUpdate();
            }
            return null;
        });
        store.close();
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withClock(clock));

        assertThatThrownBy(() -> store.list()).isInstanceOf(StoreException.class)
                .hasMessageContaining(lobby.id().toString()).hasMessageContaining("cannot read");
        assertThatThrownBy(() -> store.find(lobby.id())).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.setDesiredState(lobby.id(), DesiredState.RUNNING)).isInstanceOf(StoreException.class);
        assertThat(store.find(hub.id())).contains(hub);

        store.delete(lobby.id());
        assertThat(store.list()).containsExactly(hub);
    }

    @Test
    void concurrentWritersAndReadersSeeEachServersLatestCommit() throws Exception {
        int servers = 8;
        int rounds = 25;
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            ids.add(store.create(Specs.minecraft("server-" + i)).id());
        }
        Map<UUID, String> lastMotd = new ConcurrentHashMap<>();
        Map<UUID, DesiredState> lastDesired = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        List<Future<Integer>> readers = new ArrayList<>();
        // Readers on platform threads: reads never block, so as virtual threads they could keep the
        // carriers from the writers.
        try (var executor = Executors.newVirtualThreadPerTaskExecutor(); var readerThreads = Executors.newFixedThreadPool(4)) {
            for (UUID id : ids) {
                // One writer changes the spec (a new MOTD each round), another flips the desired state.
                writers.add(executor.submit(() -> {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        String motd = "round " + r;
                        while (true) {
                            StoredServer now = store.find(id).orElseThrow();
                            try {
                                store.update(id, now.version(), now.spec().toBuilder().env("MOTD", motd).build());
                                break;
                            } catch (StaleVersionException e) {
                                // another round trip; the flipper does not bump versions, so this is rare
                            }
                        }
                        lastMotd.put(id, motd);
                    }
                    return null;
                }));
                writers.add(executor.submit(() -> {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        DesiredState d = r % 2 == 0 ? DesiredState.RUNNING : DesiredState.STOPPED;
                        store.setDesiredState(id, d);
                        lastDesired.put(id, d);
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 4; i++) {
                readers.add(readerThreads.submit(() -> {
                    go.await();
                    Map<UUID, Long> seen = new HashMap<>();
                    int reads = 0;
                    while (writing.get() || reads == 0) {
                        List<StoredServer> list = store.list();
                        assertThat(list).extracting(StoredServer::id).containsExactlyElementsOf(ids);
                        for (StoredServer s : list) {
                            long before = seen.getOrDefault(s.id(), 0L);
                            assertThat(s.version()).as("server %s's version never goes back", s.id()).isGreaterThanOrEqualTo(before);
                            seen.put(s.id(), s.version());
                        }
                        UUID one = ids.get(reads % servers);
                        assertThat(store.find(one).orElseThrow().version()).isGreaterThanOrEqualTo(seen.get(one));
                        reads++;
                    }
                    return reads;
                }));
            }
            go.countDown();
            try {
                for (Future<?> w : writers) {
                    w.get(120, TimeUnit.SECONDS);
                }
            } finally {
                writing.set(false);
                for (Future<Integer> r : readers) {
                    assertThat(r.get(60, TimeUnit.SECONDS)).isPositive();
                }
            }
        }

        assertThat(store.list()).isEqualTo(table());
        for (UUID id : ids) {
            StoredServer s = store.find(id).orElseThrow();
            assertThat(s.version()).isEqualTo(1 + rounds);
            assertThat(s.spec().environment()).containsEntry("MOTD", lastMotd.get(id));
            assertThat(s.desired()).isEqualTo(lastDesired.get(id));
        }
        List<StoredServer> beforeReopen = store.list();
        store.close();
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withClock(clock));
        assertThat(store.list()).isEqualTo(beforeReopen);
    }

    @Test
    void readsAreServedFromMemoryWhileTheReadConnectionsAreAllTaken() throws Exception {
        // The connections are held until the reads below have answered (or, failing that, past their hang deadline):
        // a read that needed a connection could only answer after the release, so it would run into its deadline.
        Duration hang = Duration.ofSeconds(60);
        StoredServer lobby = store.create(Specs.minecraft("lobby"));
        int connections = StoreOptions.defaults().readConnections();
        CountDownLatch holding = new CountDownLatch(connections);
        CountDownLatch release = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> holders = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    holders.add(executor.submit(() -> store.database().read("hold a read connection", c -> {
                        holding.countDown();
                        try {
                            release.await(hang.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    })));
                }
                assertThat(holding.await(hang.toSeconds(), TimeUnit.SECONDS)).isTrue();

                Future<List<StoredServer>> list = executor.submit(store::list);
                assertThat(list.get(hang.toSeconds(), TimeUnit.SECONDS)).containsExactly(lobby);
                Future<Optional<StoredServer>> find = executor.submit(() -> store.find(lobby.id()));
                assertThat(find.get(hang.toSeconds(), TimeUnit.SECONDS)).contains(lobby);
            } finally {
                release.countDown();
            }
            for (Future<Object> h : holders) {
                h.get(hang.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theViewHoldsDecodedSpecsThatEqualWhatWasWritten() {
        ServerSpec spec = Specs.everyField();

        StoredServer created = store.create(spec);
        StoredServer running = store.setDesiredState(created.id(), DesiredState.RUNNING);

        assertThat(store.find(spec.id()).orElseThrow().spec()).isEqualTo(spec);
        assertThat(store.find(spec.id())).contains(running);
    }

    @Test
    void aSpecTheStoreJustWroteIsTakenAsItIsNotDecodedFromItsRow() {
        ServerSpec spec = Specs.everyField();

        store.create(spec);
        assertThat(store.find(spec.id()).orElseThrow().spec()).as("the created spec itself").isSameAs(spec);
        ServerSpec renamed = spec.withName("renamed");
        store.update(spec.id(), 1, renamed);
        assertThat(store.find(spec.id()).orElseThrow().spec()).as("the updated spec itself").isSameAs(renamed);

        // what the row decodes to after a restart is equal to it: the view and the table agree
        store.close();
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withClock(clock));
        assertThat(store.find(spec.id()).orElseThrow().spec()).isNotSameAs(renamed).isEqualTo(renamed);
    }
}
