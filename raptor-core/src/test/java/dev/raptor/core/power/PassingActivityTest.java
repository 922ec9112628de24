package dev.raptor.core.power;

import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import dev.raptor.core.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which activity entries of a start and a stop the store may commit without a sync of their own
 * ({@link dev.raptor.core.server.ServerStore#appendPassingActivity}): the requests and the states the server passes
 * through, never the state an operation ends in, whose synced commit puts the earlier ones on disk as it answers.
 */
class PassingActivityTest {
    @TempDir
    Path dir;

    @Test
    void aStartAndAStopEndOnASyncedEntryAndOnlyTheirRequestsAndPassingStatesSkipTheSync() throws Exception {
        MemoryStore store = new MemoryStore();
        try (ServerFixture f = new ServerFixture(new FakeRuntime(), store, ControllerSettings.defaults(dir.resolve("volumes")))) {
            UUID id = f.create(ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO));
            assertThat(f.power(id, PowerAction.START)).isInstanceOfSatisfying(PowerResult.Done.class,
                    d -> assertThat(d.state()).isEqualTo(ServerState.RUNNING));
            assertThat(f.power(id, PowerAction.STOP)).isInstanceOfSatisfying(PowerResult.Done.class,
                    d -> assertThat(d.state()).isEqualTo(ServerState.OFFLINE));

            List<String> oldestFirst = f.activity(id).reversed().stream()
                    .map(e -> (store.passing(e) ? "passing " : "synced  ") + e.message()).toList();
            // A request's entry is appended once the request is handed over, so it may land after the states its
            // operation passed through (a fast runtime): which entries skip the sync does not depend on that order.
            assertThat(oldestFirst).containsExactlyInAnyOrder(
                    "synced  server created",
                    "passing start requested",
                    "passing offline -> starting: start",
                    "synced  starting -> running: process running",
                    "passing stop requested",
                    "passing running -> stopping: stop requested",
                    "synced  stopping -> offline: stopped (exit code 0)");
            assertThat(oldestFirst).as("the states in the order the server passed them, each operation ending on a synced one")
                    .filteredOn(line -> line.contains(" -> ")).containsExactly(
                            "passing offline -> starting: start",
                            "synced  starting -> running: process running",
                            "passing running -> stopping: stop requested",
                            "synced  stopping -> offline: stopped (exit code 0)");
        }
    }
}
