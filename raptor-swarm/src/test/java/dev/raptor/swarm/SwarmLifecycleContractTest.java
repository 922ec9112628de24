package dev.raptor.swarm;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.testing.LifecycleContract;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Core's lifecycle contract (a fleet of controllers over a real store) on the Swarm runtime, on the real two-node swarm. */
class SwarmLifecycleContractTest extends LifecycleContract {
    /** The node labels of this class's runtimes, one a test. */
    private static final List<String> LABELS = new CopyOnWriteArrayList<>();

    @Override
    protected ContainerRuntime openRuntime() {
        // Its own node label: this fleet's orphan sweep must never touch another test's services.
        String label = "contract-" + UUID.randomUUID();
        LABELS.add(label);
        return TestSwarm.runtime(label);
    }

    /**
     * Operations cancelled in the middle (deletes during a start, kills) leave no helper container on any node: each is
     * removed by whoever made it, even on an interrupted thread.
     */
    @AfterAll
    static void noHelperContainerIsLeftOnAnyNode() {
        for (String node : List.of(TestSwarm.NODE_1, TestSwarm.NODE_2)) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                List<String> left = new ArrayList<>();
                for (String label : LABELS) {
                    left.addAll(TestSwarm.dockerOk(node, "ps", "-a", "--filter", "label=" + NodeHelpers.LABEL,
                            "--filter", "label=" + RuntimeLabels.NODE + "=" + label, "--format", "{{.Names}}").lines()
                            .filter(l -> !l.isBlank()).toList());
                }
                assertThat(left).as("helper containers left on %s", node).isEmpty();
            });
        }
    }

    @Override
    protected ServerStore openStore(Path dir) {
        return SqliteStore.open(dir);
    }

    @Override
    protected ServerSpec.Builder gameServer() {
        return ServerSpec.builder(TestSwarm.image())
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)));
    }

    @Override
    protected ServerSpec.Builder unstartable(ServerSpec.Builder spec) {
        return spec.image("raptor-test/no-such-image:1");
    }
}
