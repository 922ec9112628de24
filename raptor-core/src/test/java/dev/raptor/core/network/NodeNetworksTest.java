package dev.raptor.core.network;

import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import dev.raptor.core.testing.ServerFixture;
import dev.raptor.core.validation.InvalidSpecException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's networks on the in-memory engine: made, joined by the specs that name them, refused removal while in use. */
class NodeNetworksTest {
    private static final String IMAGE = "raptor-test/gameserver:1";

    @TempDir
    Path tmp;
    private FakeEngine engine;
    private ServerFixture node;
    private NodeNetworks networks;

    @BeforeEach
    void open() {
        FakeRuntime runtime = new FakeRuntime();
        engine = runtime.engine();
        node = new ServerFixture(runtime, new MemoryStore(), ControllerSettings.defaults(tmp.resolve("volumes")));
        networks = new NodeNetworks(node.fleet);
    }

    @AfterEach
    void close() throws Exception {
        node.close();
    }

    @Test
    void aServerJoinsTheNetworksItsSpecNamesWithItsAliases() throws Exception {
        networks.create(new NetworkSpec("lobby-net", "10.77.0.0/24", false, Map.of("team", "eu")));
        UUID id = node.started(ServerSpec.builder(IMAGE).network("lobby-net", "lobby", "hub"));
        assertThat(engine.networksOf(id)).containsExactly(NetworkAttachment.of("lobby-net", "lobby", "hub"));
        assertThat(networks.list()).singleElement().satisfies(l -> {
            assertThat(l.network().name()).isEqualTo("lobby-net");
            assertThat(l.network().subnet()).isEqualTo("10.77.0.0/24");
            assertThat(l.network().labels()).containsEntry("team", "eu");
            assertThat(l.usedBy()).containsExactly(id);
        });
    }

    @Test
    void aNetworkAServerNamesIsInUseUntilTheSpecLetsGoAndTheContainerLeaves() throws Exception {
        networks.create(new NetworkSpec("busy-net", null, true, Map.of()));
        UUID id = node.started(ServerSpec.builder(IMAGE).network("busy-net"));
        assertThatThrownBy(() -> networks.remove("busy-net")).isInstanceOfSatisfying(NetworkInUseException.class,
                e -> assertThat(e.servers()).containsExactly(id));
        node.fleet.update(id, 1, node.store.find(id).orElseThrow().spec().toBuilder().networks(null).build());
        // the spec no longer names it, but the running container is still attached
        assertThatThrownBy(() -> networks.remove("busy-net")).isInstanceOf(NetworkInUseException.class).hasMessageContaining("active endpoints");
        assertThat(node.fleet.delete(id, true).get()).isInstanceOf(PowerResult.Done.class);
        networks.remove("busy-net");
        assertThat(engine.networkNames()).doesNotContain("busy-net");
    }

    @Test
    void aStartFailsSayingSoWhenTheNetworkDoesNotExist() throws Exception {
        UUID id = node.create(ServerSpec.builder(IMAGE).network("nowhere-net"));
        assertThat(node.power(id, PowerAction.START)).isInstanceOfSatisfying(PowerResult.Failed.class,
                f -> assertThat(f.reason()).contains("nowhere-net"));
    }

    @Test
    void twoNetworksOfOneNameConflictAndRemovingAnUnknownOneIsNotFound() {
        networks.create(new NetworkSpec("twice-net", null, false, Map.of()));
        assertThatThrownBy(() -> networks.create(new NetworkSpec("twice-net", null, false, Map.of())))
                .isInstanceOf(EngineException.Conflict.class);
        assertThatThrownBy(() -> networks.remove("never-made")).isInstanceOf(EngineException.NotFound.class);
    }

    @Test
    void aBadNetworkIsRefusedNamingEveryField() {
        assertThatThrownBy(() -> new NetworkSpec("host", "10.0.0.0/33", false, Map.of("dev.raptor.x", "y")))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactlyInAnyOrder("name", "subnet", "labels.dev.raptor.x"));
        assertThatThrownBy(() -> ServerSpec.builder(IMAGE).name("x").network("a").network("a").network("none").build())
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactlyInAnyOrder("networks[1].name", "networks[2].name"));
    }
}
