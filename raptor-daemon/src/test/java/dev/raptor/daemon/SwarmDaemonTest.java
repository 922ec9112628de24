package dev.raptor.daemon;

import dev.raptor.core.runtime.Deadline;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.swarm.SwarmRuntime;
import dev.raptor.swarm.TestSwarm;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.node.NodeList;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.TransferRequest;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerPatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.raptor.daemon.TestSwarmDaemon.managerEnv;
import static dev.raptor.daemon.TestSwarmDaemon.onNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * raptord with {@code RAPTOR_RUNTIME=swarm} on the real two-node test swarm (scripts/swarm.sh): a server created
 * through the API for the node its spec names ({@code node}) runs there and answers on that node's address, a node the
 * swarm lacks is refused naming the field, and {@code GET /nodes} lists both nodes with the server on its own.
 */
class SwarmDaemonTest {
    @TempDir
    Path tmp;

    /** This test's Raptor node label: its daemon's services carry it, and they go after the test, passed or failed. */
    private final String node = "swarmdaemon-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeServices() {
        TestSwarm.removeServices(node);
    }

    @Test
    void aServerCreatedThroughTheApiRunsOnTheNodeItsSpecNamesAndAnswersThere() throws Exception {
        Map<String, String> swarm = TestSwarm.require();
        // node 2 keeps servers' data apart from this machine's (node 1's) so that a transfer really copies
        Path nodeTwoVolumes = tmp.resolve("node-2-volumes");
        Map<String, String> env = managerEnv(tmp, node, nodeTwoVolumes);
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:0");
        int port = TestSwarm.freePort(); // published inside the node's own namespace
        try (DaemonProcess d = TestDaemon.launch(tmp, "swarm", env, List.of()); SwarmRuntime runtime = TestSwarm.runtime(node)) {
            TestDaemon.awaitHealthy(d);
            RaptorClient api = d.client();
            assertThat(api.system().runtime()).isEqualTo("swarm");
            assertThat(d.stderr()).contains("RAPTOR_RUNTIME=swarm, the manager at " + swarm.get("RAPTOR_SWARM_MANAGER"));

            // a node the swarm does not have: 400 naming the field, nothing made
            RaptorProblemException unknown = catchThrowableOfType(RaptorProblemException.class,
                    () -> api.servers().create(onNode("nowhere", port, "raptor-sw9")));
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.problem().errors()).extracting(e -> e.field()).containsExactly("node");
            assertThat(api.servers().list().servers()).isEmpty();

            ServerDocument created = api.servers().create(onNode("on-node-2", port, TestSwarm.NODE_2));
            assertThat(created.spec().node()).isEqualTo(TestSwarm.NODE_2);
            UUID id = created.spec().id();
            OperationDocument started = api.server(id).power("start", Duration.ofSeconds(90));
            assertThat(started.status()).as(started.toString()).isEqualTo("done");
            assertThat(api.server(id).get().state()).isEqualTo("running");

            String address = TestSwarm.addressOf(TestSwarm.NODE_2);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(greeting(address, port)).contains("on-node-2"));
            assertThat(runtime.find(id, Deadline.in(Duration.ofSeconds(30)))).singleElement()
                    .satisfies(c -> assertThat(c.labels()).containsEntry("dev.raptor.swarm.node", TestSwarm.NODE_2));

            // placed with its files: a change of node is refused naming the field (moving it is a transfer)
            ServerDocument placed = api.server(id).get();
            RaptorProblemException moved = catchThrowableOfType(RaptorProblemException.class,
                    () -> api.server(id).patch(new ServerPatch(Map.of("node", TestSwarm.NODE_1)), placed.version()));
            assertThat(moved.status()).isEqualTo(400);
            assertThat(moved.problem().errors()).extracting(e -> e.field()).containsExactly("node");
            assertThat(api.server(id).get().spec().node()).isEqualTo(TestSwarm.NODE_2);

            // GET /nodes: both nodes of the swarm, ready, with their addresses and resources; the server and its port on node 2
            NodeList nodes = api.nodes();
            assertThat(nodes.nodes()).extracting(NodeList.Node::name).containsExactly(TestSwarm.NODE_1, TestSwarm.NODE_2);
            for (NodeList.Node n : nodes.nodes()) {
                assertThat(n.state()).as(n.toString()).isEqualTo("ready");
                assertThat(n.reason()).isNull();
                assertThat(n.address()).isEqualTo(TestSwarm.addressOf(n.name()));
                assertThat(n.cpus()).isPositive();
                assertThat(n.memoryBytes()).isPositive();
            }
            NodeList.Node two = nodes.nodes().get(1);
            assertThat(two.servers()).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(id);
                assertThat(s.name()).isEqualTo("on-node-2");
                assertThat(s.state()).isEqualTo("running");
            });
            assertThat(two.ports()).containsExactly(new NodeList.Port("0.0.0.0", port, "tcp", id));
            assertThat(two.memoryLimitsBytes()).isEqualTo(256L * 1024 * 1024);
            assertThat(two.memoryFreeBytes()).isEqualTo(two.memoryBytes() - 256L * 1024 * 1024);
            assertThat(nodes.nodes().getFirst().servers()).isEmpty();
            assertThat(nodes.nodes().getFirst().memoryFreeBytes()).isEqualTo(nodes.nodes().getFirst().memoryBytes());
            assertThat(nodes.unplaced()).isEmpty();

            // moved to node 1 through the API, with its files: it answers there, its spec names node 1, node 2's copy is gone
            Files.writeString(nodeTwoVolumes.resolve(id.toString()).resolve("world.dat"), "the world of on-node-2\n");
            OperationDocument transfer = api.server(id).transfer(new TransferRequest(TestSwarm.NODE_1, null, BigDecimal.valueOf(300)));
            OperationDocument transferred = api.operations().await(transfer, Duration.ofMinutes(5));
            assertThat(transferred.status()).as(transferred.toString()).isEqualTo("done");
            assertThat(transferred.action()).isEqualTo("transfer");
            assertThat(api.server(id).get().state()).isEqualTo("running");
            assertThat(api.server(id).get().spec().node()).isEqualTo(TestSwarm.NODE_1);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(greeting(TestSwarm.addressOf(TestSwarm.NODE_1), port)).contains("on-node-2"));
            assertThat(Files.readString(tmp.resolve("data").resolve("volumes").resolve(id.toString()).resolve("world.dat")))
                    .isEqualTo("the world of on-node-2\n");
            assertThat(nodeTwoVolumes.resolve(id.toString())).as("node 2's copy is removed").doesNotExist();
            RaptorProblemException again = catchThrowableOfType(RaptorProblemException.class,
                    () -> api.server(id).transfer(TransferRequest.of(TestSwarm.NODE_1)));
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.problem().errors()).extracting(e -> e.field()).containsExactly("node");

            OperationDocument stopped = api.server(id).power("stop", Duration.ofSeconds(90));
            assertThat(stopped.status()).as(stopped.toString()).isEqualTo("done");
            assertThat(api.server(id).delete(true).status()).isEqualTo("done");
            assertThat(runtime.find(id, Deadline.in(Duration.ofSeconds(30)))).as("its service is gone").isEmpty();
            assertThat(d.terminate(Duration.ofSeconds(60))).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);
        }
    }

    private static String greeting(String address, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            s.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }
}
