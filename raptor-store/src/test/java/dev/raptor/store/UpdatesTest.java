package dev.raptor.store;

import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.Specs;
import dev.raptor.core.update.UpdateOutcome;
import dev.raptor.core.update.UpdateRecord;
import dev.raptor.core.update.UpdateSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Update sources, versions and histories kept in SQLite (schema 9). */
class UpdatesTest {
    @TempDir
    Path dataDir;

    private static final UpdateSource SOURCE = new UpdateSource(URI.create("http://packs.example/m.json"), Duration.ofSeconds(600), true,
            List.of("world", "server.properties"), Duration.ofSeconds(90), 2);

    @Test
    void aSourceAVersionAndAHistoryAreKeptAcrossARestart() {
        UUID id;
        UpdateRecord u;
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            id = store.create(Specs.minecraft("lobby")).id();
            store.updates().saveSource(id, SOURCE);
            store.updates().setVersion(id, "1");
            u = UpdateRecord.started(id, "1", "2", Instant.parse("2026-01-02T03:04:05.678Z")).at("applying").backedUp(UUID.randomUUID());
            store.updates().record(u);
        }
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.updates().source(id)).contains(SOURCE);
            assertThat(store.updates().version(id)).contains("1");
            assertThat(store.updates().running()).containsExactly(u);
            UpdateRecord done = u.finished(UpdateOutcome.ROLLED_BACK, Instant.parse("2026-01-02T03:05:00Z"), "not ready");
            store.updates().record(done);
            assertThat(store.updates().history(id)).containsExactly(done);
            assertThat(store.updates().running()).isEmpty();
        }
    }

    @Test
    void removingTheSourceKeepsTheVersionAndASourceNeedsTheServer() {
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            UUID id = store.create(Specs.minecraft("lobby")).id();
            store.updates().saveSource(id, SOURCE);
            store.updates().setVersion(id, "7");
            assertThat(store.updates().removeSource(id)).isTrue();
            assertThat(store.updates().removeSource(id)).isFalse();
            assertThat(store.updates().source(id)).isEmpty();
            assertThat(store.updates().sources()).isEmpty();
            assertThat(store.updates().version(id)).contains("7");
            assertThatThrownBy(() -> store.updates().saveSource(UUID.randomUUID(), SOURCE)).isInstanceOf(ServerNotFoundException.class);
        }
    }
}
