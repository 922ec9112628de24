package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rule 8 under fire: a daemon SIGKILLed in the middle of recreating its servers is restarted, and
 * boot reconciliation converges with no duplicate container, no orphan and no lost server.
 */
class CrashDuringRecreateTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private final String node = "crash-" + UUID.randomUUID();
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void requireEngine() {
        TestEngine.requireEngine();
    }

    private DockerRuntime runtime() {
        return DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node));
    }

    private ServerFleet fleet(SqliteStore store, DockerRuntime runtime) {
        return new ServerFleet(store, runtime, new EventBus(), ControllerSettings.defaults(dir.resolve("volumes")));
    }

    @AfterEach
    void cleanUp() throws Exception {
        children.forEach(Process::destroyForcibly);
        try (DockerRuntime runtime = runtime()) {
            for (ContainerInfo c : runtime.listOwned(Deadline.in(HANG))) {
                runtime.remove(c.ref(), Deadline.in(HANG));
            }
        }
    }

    @Test
    void aDaemonKilledMidRecreateConvergesOnRestartWithNoDuplicateNoOrphanAndNoLostServer() throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (SqliteStore store = SqliteStore.open(dir.resolve("state")); DockerRuntime runtime = runtime();
             ServerFleet fleet = fleet(store, runtime)) {
            fleet.boot();
            for (int i = 0; i < 3; i++) {
                UUID id = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("survivor-" + i).readyPattern("Done!").build()).id();
                assertThat(fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
                ids.add(id);
            }
        }

        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), RecreateLoop.class.getName(),
                dir.resolve("state").toString(), dir.resolve("volumes").toString(), TestEngine.dockerHost(), node));
        ids.forEach(id -> command.add(id.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(child);
        int killAfter = ThreadLocalRandom.current().nextInt(2, 7);
        int recreations = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long giveUp = System.nanoTime() + HANG.toNanos();
            String line;
            while ((line = out.readLine()) != null && System.nanoTime() < giveUp) {
                if (line.startsWith("recreating ") && ++recreations == killAfter) {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(0, 400));
                    break;
                }
            }
        }
        assertThat(recreations).as("the child reached the recreate it is killed in").isEqualTo(killAfter);
        child.destroyForcibly();
        assertThat(child.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("SIGKILL").isEqualTo(137);

        try (SqliteStore store = SqliteStore.open(dir.resolve("state")); DockerRuntime runtime = runtime();
             ServerFleet fleet = fleet(store, runtime)) {
            fleet.boot();
            await().atMost(HANG).untilAsserted(() -> {
                Set<UUID> stored = store.list().stream().map(StoredServer::id).collect(Collectors.toSet());
                assertThat(stored).as("no lost server").containsAll(ids);
                Map<UUID, List<ContainerInfo>> owned = runtime.listOwned(Deadline.in(HANG)).stream()
                        .collect(Collectors.groupingBy(ContainerInfo::serverId));
                assertThat(owned.keySet()).as("no orphan").isSubsetOf(stored);
                owned.forEach((id, cs) -> assertThat(cs).as("no duplicate for %s", id).hasSize(1));
                for (UUID id : ids) {
                    assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
                    assertThat(owned.get(id)).as("server %s has its container", id).hasSize(1);
                    assertThat(owned.get(id).getFirst().running()).as("server %s runs", id).isTrue();
                    assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
                }
            });
        }
    }
}
