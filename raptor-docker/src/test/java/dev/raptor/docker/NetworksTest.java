package dev.raptor.docker;

import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Networks on the real engine: bridges made with their subnet, internal flag and labels, seen only by the runtime (node)
 * that made them, joined by servers that then reach each other by name, and kept while anything is attached. Every
 * network here has a name of its own and is removed after the test.
 */
class NetworksTest extends EngineTest {
    private final String node = "verbs-net-" + UUID.randomUUID().toString().substring(0, 8);
    private final DockerRuntime mine = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node));
    private final List<String> made = new CopyOnWriteArrayList<>();

    @AfterEach
    void removeTheNetworksThisTestMade() {
        removeWhatThisTestCreated();
        for (String name : made) {
            try {
                docker.removeNetworkCmd(name).exec();
            } catch (RuntimeException gone) {
                // the test removed it
            }
        }
        mine.close();
    }

    private String name(String what) {
        String n = node + "-" + what;
        made.add(n);
        return n;
    }

    @Test
    void aNetworkIsMadeAsAskedAndSeenOnlyByTheNodeThatMadeIt() {
        String name = name("made");
        NetworkInfo n = mine.createNetwork(new NetworkSpec(name, null, true, Map.of("team", "eu")), soon());
        assertThat(n.name()).isEqualTo(name);
        assertThat(n.driver()).isEqualTo("bridge");
        assertThat(n.internal()).isTrue();
        assertThat(n.labels()).containsExactly(Map.entry("team", "eu"));
        assertThat(mine.networks(soon())).extracting(NetworkInfo::name).containsExactly(name);
        assertThat(runtime.networks(soon())).extracting(NetworkInfo::name).doesNotContain(name);
        assertThatThrownBy(() -> runtime.removeNetwork(name, soon())).isInstanceOf(EngineException.NotFound.class);
        assertThatThrownBy(() -> mine.createNetwork(new NetworkSpec(name, null, false, Map.of()), soon()))
                .isInstanceOf(EngineException.Conflict.class);
        mine.removeNetwork(name, soon());
        assertThat(mine.networks(soon())).isEmpty();
    }

    @Test
    void serversOnOneNetworkResolveAndReachEachOtherByNameAndItStaysWhileTheyAreOnIt() throws Exception {
        String net = name("lobby");
        String other = name("other");
        mine.createNetwork(new NetworkSpec(net, "10.213.7.0/24", false, Map.of()), soon());
        mine.createNetwork(new NetworkSpec(other, null, false, Map.of()), soon());
        String a = "alpha-" + node;
        String b = "bravo-" + node;
        ServerSpec alpha = spec().name(a).network(net).build();
        ServerSpec bravo = spec().name(b).network(other).network(net, "hub").build();
        ContainerInfo ca = started(alpha, "alpha");
        ContainerInfo cb = started(bravo, "bravo");

        ExecResult lookup = mine.exec(ca.ref(), ExecRequest.of("nslookup", b), Deadline.in(PATIENCE));
        assertThat(lookup.exitCode()).as(lookup.toString()).isZero();
        assertThat(lookup.stdout()).contains("10.213.7.");
        ExecResult ping = mine.exec(ca.ref(), ExecRequest.of("ping", "-c", "1", "-W", "5", "hub"), Deadline.in(PATIENCE));
        assertThat(ping.exitCode()).as(ping.toString()).isZero();
        // the game server answers one line to each connection, on its port inside the container
        await().atMost(PATIENCE).untilAsserted(() -> {
            ExecResult talk = mine.exec(ca.ref(), ExecRequest.of("sh", "-c", "nc " + b + " 25565 </dev/null"), Deadline.in(PATIENCE));
            assertThat(talk.stdout()).isNotBlank();
        });
        ExecResult fromBravo = mine.exec(cb.ref(), ExecRequest.of("ping", "-c", "1", "-W", "5", a), Deadline.in(PATIENCE));
        assertThat(fromBravo.exitCode()).as(fromBravo.toString()).isZero();

        assertThatThrownBy(() -> mine.removeNetwork(net, soon())).isInstanceOf(EngineException.Conflict.class)
                .hasMessageContaining(ca.ref().name());
        assertThat(mine.networks(soon())).filteredOn(n -> n.name().equals(net)).singleElement()
                .satisfies(n -> assertThat(n.containers()).containsExactlyInAnyOrder(ca.ref().name(), cb.ref().name()));
        mine.remove(ca.ref(), soon());
        mine.remove(cb.ref(), soon());
        mine.removeNetwork(net, soon());
    }

    @Test
    void aServerNamingANetworkThatDoesNotExistIsNotCreated() {
        ServerSpec spec = spec().network(node + "-nowhere").build();
        assertThatThrownBy(() -> mine.create(spec, dataDir, Deadline.in(PATIENCE))).isInstanceOf(EngineException.NotFound.class)
                .hasMessageContaining(node + "-nowhere");
    }

    private ContainerInfo started(ServerSpec spec, String dir) throws Exception {
        Path data = Files.createDirectories(dataDir.resolve(dir));
        ContainerInfo c = mine.create(spec, data, Deadline.in(PATIENCE));
        mine.start(c.ref(), soon());
        return c;
    }
}
