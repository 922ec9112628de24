package dev.raptor.swarm;

import com.github.dockerjava.api.model.Container;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.testing.EngineProxy;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A helper create whose caller gives up before the engine answers, and that the engine carries out afterwards (as a
 * busy engine does): the helper it makes is removed all the same, instead of being left for a later collection. The
 * late landing is made to happen on a real node engine, through a proxy that holds the create's request until the
 * caller has given up on it.
 */
class NodeHelpersLateCreateTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private final String label = "late-" + UUID.randomUUID();
    private final UUID serverId = UUID.randomUUID();

    @AfterEach
    void removeWhatIsLeft() {
        try (DockerRuntime direct = direct()) {
            for (Container c : helpersOf(direct)) {
                direct.engineCall("cleanup", null, Deadline.in(HANG), cl -> {
                    cl.removeContainerCmd(c.getId()).withForce(true).exec();
                    return null;
                });
            }
        }
    }

    private static DockerRuntime direct() {
        return DockerRuntime.connect(TestSwarm.engineOf(TestSwarm.NODE_1));
    }

    private List<Container> helpersOf(DockerRuntime engine) {
        return engine.engineCall("list", null, Deadline.in(HANG), c -> c.listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(NodeHelpers.LABEL + "=" + serverId)).exec());
    }

    @Test
    void aHelperCreateThatLandsAfterItsCallerGaveUpIsRemovedOnceTheEngineAnswers() throws Exception {
        Map<String, String> env = TestSwarm.require();
        SwarmRuntimeConfig config = new SwarmRuntimeConfig(URI.create(env.get("RAPTOR_SWARM_MANAGER")),
                SwarmRuntimeConfig.parseNodes(env.get("RAPTOR_SWARM_NODES")), label, Map.of(),
                TestSwarm.registry() + "/raptor-test/helper:1");
        NodeHelpers helpers = new NodeHelpers(config);
        try (EngineProxy proxy = new EngineProxy(tmp.resolve("node.sock"), TestSwarm.engineOf(TestSwarm.NODE_1));
             DockerRuntime node = DockerRuntime.connect(DockerRuntimeConfig.of(proxy.dockerHost()));
             DockerRuntime direct = direct()) {
            // the helper image is on the node first (pulled if need be), so that only the create is held
            helpers.imageFor(TestSwarm.NODE_1, node, serverId, TestSwarm.image(), Deadline.in(HANG));
            proxy.holdNext("POST", "/containers/create");

            assertThatThrownBy(() -> helpers.create(TestSwarm.NODE_1, node, serverId, TestSwarm.image(), tmp.resolve("dir"),
                    "volume", Deadline.in(Duration.ofSeconds(2)))).isInstanceOf(EngineException.Timeout.class);
            assertThat(proxy.holding()).as("the create has not reached the engine yet").isTrue();
            assertThat(helpersOf(direct)).isEmpty();

            proxy.releaseHeld();
            await().atMost(HANG).until(proxy::heldAnswered);
            // the engine made it after its caller gave up, and it goes as soon as its answer comes
            await().atMost(HANG).untilAsserted(() -> assertThat(helpersOf(direct)).isEmpty());
        }
    }
}
