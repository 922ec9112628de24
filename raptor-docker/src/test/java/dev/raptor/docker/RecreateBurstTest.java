package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22's burst on the real engine, smaller: tens of servers given a new spec at once are all recreated, and every
 * recreate succeeds. Their creates and starts reach the engine a few at a time, each under its own deadline from the
 * moment it is sent; sent all at once, the engine answered the last of them after their deadline (the start's 30 s;
 * here a deadline of 10 s, so that tens of calls at once on a vfs engine are enough to show it), and the operation
 * said failed for a server its restart policy brought back later.
 */
class RecreateBurstTest {
    private static final Duration HANG = Duration.ofSeconds(120);
    private static final int SERVERS = 30;
    /** Shorter than the product's 30 s: with every call at once, the slowest of 30 starts on vfs answers later. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final String node = "recreate-burst-" + UUID.randomUUID();

    @BeforeAll
    static void requireEngine() {
        TestEngine.requireEngine();
    }

    @AfterEach
    void removeWhatIsLeft() {
        try (DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node))) {
            for (ContainerInfo c : runtime.listOwned(Deadline.in(HANG))) {
                runtime.remove(c.ref(), Deadline.in(HANG));
            }
        }
    }

    private static List<PowerResult> answers(List<CompletableFuture<PowerResult>> pending) throws Exception {
        List<PowerResult> out = new ArrayList<>();
        for (CompletableFuture<PowerResult> f : pending) {
            out.add(f.get(HANG.toSeconds(), TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void tensOfServersRecreatedAtOnceAllSucceed() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("state"));
             DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node));
             ServerFleet fleet = new ServerFleet(store, runtime, new EventBus(),
                     ControllerSettings.defaults(dir.resolve("volumes")).withEngineTimeout(CALL_DEADLINE))) {
            fleet.boot();
            List<UUID> ids = new ArrayList<>();
            List<CompletableFuture<PowerResult>> starts = new ArrayList<>();
            for (int i = 0; i < SERVERS; i++) {
                UUID id = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("burst-" + i).build()).id();
                ids.add(id);
                starts.add(fleet.power(id, PowerAction.START));
            }
            assertThat(answers(starts)).as("the first starts, all at once").allMatch(PowerResult.Done.class::isInstance);
            Map<UUID, String> before = new HashMap<>();
            for (UUID id : ids) {
                before.put(id, fleet.controller(id).view().containerId());
            }

            List<CompletableFuture<PowerResult>> recreates = new ArrayList<>();
            for (UUID id : ids) {
                StoredServer stored = store.find(id).orElseThrow();
                fleet.update(id, stored.version(), stored.spec().toBuilder().env("BURST", "2").build());
                recreates.add(fleet.applySpec(id));
            }

            List<PowerResult> results = answers(recreates);
            assertThat(results).as("every recreate succeeded: %s", results).allMatch(PowerResult.Done.class::isInstance);
            for (UUID id : ids) {
                assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
                assertThat(fleet.controller(id).view().containerId()).as("server %s runs a new container", id)
                        .isNotNull().isNotEqualTo(before.get(id));
                List<ContainerInfo> found = runtime.find(id, Deadline.in(HANG));
                assertThat(found).hasSize(1);
                assertThat(found.getFirst().running()).isTrue();
            }
        }
    }
}
