package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Where servers go on the real two-node swarm, and that what they publish and what they are told reaches the node
 * that runs them. Each test has a Raptor node label of its own, and removes its services.
 */
class SwarmPlacementTest {
    private static final Duration HANG = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    private final String label = "placement-" + UUID.randomUUID();
    private SwarmRuntime runtime;
    private final List<ContainerInfo> made = new ArrayList<>();

    @BeforeEach
    void open() {
        runtime = TestSwarm.runtime(label);
    }

    @AfterEach
    void removeServices() {
        for (ContainerInfo c : made) {
            try {
                runtime.remove(c.ref(), Deadline.in(HANG));
            } catch (EngineException.NotFound gone) {
                // removed by the test
            }
        }
        runtime.close();
    }

    @Test
    void fourServersSpreadOverBothNodesByFreeMemoryAndEachAnswersOnItsPortAtItsNodesAddress() throws Exception {
        List<ServerSpec> specs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // limits larger than what other daemons' servers may hold on one node and not the other (placement counts every
            // Raptor server pinned there, whichever daemon's: a test run beside this one, or one that left its services):
            // a limit is promised memory, not used memory, so 4 GiB each costs nothing
            specs.add(server("spread-" + i, TestSwarm.freePort()).limits(Limits.unlimited().withMemoryMiB(4096)).build());
        }
        List<String> nodes = new ArrayList<>();
        for (ServerSpec spec : specs) {
            ContainerInfo c = createAndStart(spec);
            nodes.add(nodeOf(c));
        }
        assertThat(nodes).as("each node gets two of four equal servers").containsExactlyInAnyOrder(
                TestSwarm.NODE_1, TestSwarm.NODE_1, TestSwarm.NODE_2, TestSwarm.NODE_2);
        for (int i = 0; i < specs.size(); i++) {
            ServerSpec spec = specs.get(i);
            String address = TestSwarm.addressOf(nodes.get(i));
            int port = spec.allocations().getFirst().port();
            await().atMost(HANG).ignoreExceptions().untilAsserted(() ->
                    assertThat(greeting(address, port)).contains(spec.name()));
        }
    }

    @Test
    void aConsoleCommandReachesTheServerOnTheNodeThatRunsItAndNoOther() throws Exception {
        ContainerInfo c = createAndStart(server("console", TestSwarm.freePort()).build());
        String node = nodeOf(c);
        String other = node.equals(TestSwarm.NODE_1) ? TestSwarm.NODE_2 : TestSwarm.NODE_1;

        runtime.sendInput(c.ref(), "say hello from raptor", Deadline.in(HANG));

        try (DockerRuntime on = nodeEngine(node); DockerRuntime elsewhere = nodeEngine(other)) {
            assertThat(elsewhere.find(c.serverId(), Deadline.in(HANG))).as("nothing of it on %s", other).isEmpty();
            ContainerInfo task = on.find(c.serverId(), Deadline.in(HANG)).getFirst();
            await().atMost(HANG).until(() -> history(on, task).contains("[Server] hello from raptor"));
        }
        assertThat(history(runtime, c)).as("the runtime reads the same console").contains("[Server] hello from raptor");
    }

    @Test
    void execRunsInTheServersContainerOnTheNodeThatRunsIt() throws Exception {
        for (String node : List.of(TestSwarm.NODE_2, TestSwarm.NODE_1)) {
            ContainerInfo c = createAndStart(server("exec-" + node, TestSwarm.freePort()).node(node).build());

            dev.raptor.core.exec.ExecResult r = runtime.exec(c.ref(), dev.raptor.core.exec.ExecRequest.of("hostname"), Deadline.in(HANG));

            assertThat(r.exitCode()).as(r.toString()).isZero();
            try (DockerRuntime on = nodeEngine(node)) {
                // a container's hostname is its id's first 12 characters: the exec ran in this node's task container
                String task = on.find(c.serverId(), Deadline.in(HANG)).getFirst().ref().id();
                assertThat(task).startsWith(r.stdout().strip());
            }
        }
    }

    @Test
    void aServerWhoseSpecNamesANodeRunsThere() throws Exception {
        for (String node : List.of(TestSwarm.NODE_2, TestSwarm.NODE_1)) {
            ContainerInfo c = createAndStart(server("pinned-" + node, TestSwarm.freePort()).label(NodePlacement.PIN_LABEL, node).build());
            assertThat(nodeOf(c)).isEqualTo(node);
            try (DockerRuntime on = nodeEngine(node)) {
                assertThat(on.find(c.serverId(), Deadline.in(HANG))).singleElement().satisfies(t -> assertThat(t.running()).isTrue());
            }
        }
    }

    @Test
    void aPortTakenOnOneNodeSendsTheNextServerToTheOtherAndATakenPortOnBothIsRefused() throws Exception {
        int port = TestSwarm.freePort();
        ContainerInfo first = createAndStart(server("port-a", port).build());
        ContainerInfo second = createAndStart(server("port-b", port).build());
        assertThat(nodeOf(second)).as("the port is per node").isNotEqualTo(nodeOf(first));
        await().atMost(HANG).ignoreExceptions().untilAsserted(() -> {
            assertThat(greeting(TestSwarm.addressOf(nodeOf(first)), port)).contains("port-a");
            assertThat(greeting(TestSwarm.addressOf(nodeOf(second)), port)).contains("port-b");
        });

        ServerSpec third = server("port-c", port).build();
        assertThatThrownBy(() -> runtime.create(third, dataDir(third), Deadline.in(HANG)))
                .isInstanceOf(EngineException.Conflict.class)
                .hasMessageContaining(port + "/tcp");
        assertThat(runtime.find(third.id(), Deadline.in(HANG))).as("nothing half made").isEmpty();
    }

    @Test
    void aNodeNamedInTheSpecThatHasNoEngineIsRefusedNamingTheField() {
        ServerSpec spec = server("nowhere", TestSwarm.freePort()).label(NodePlacement.PIN_LABEL, "no-such-node").build();
        assertThat(runtime.check(spec)).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("labels." + NodePlacement.PIN_LABEL));
        assertThatThrownBy(() -> runtime.create(spec, dataDir(spec), Deadline.in(HANG))).isInstanceOf(EngineException.Rejected.class);
    }

    // ------------------------------------------------------------------ helpers

    private ServerSpec.Builder server(String name, int port) {
        return ServerSpec.builder(TestSwarm.image())
                .name(name)
                .env("SERVER_NAME", name)
                .allocation(Allocation.primary("0.0.0.0", port, Protocol.TCP));
    }

    private ContainerInfo createAndStart(ServerSpec spec) throws Exception {
        ContainerInfo c = runtime.create(spec, dataDir(spec), Deadline.in(HANG));
        made.add(c);
        runtime.start(c.ref(), Deadline.in(HANG));
        return runtime.inspect(c.ref(), Deadline.in(HANG));
    }

    private Path dataDir(ServerSpec spec) throws Exception {
        return Files.createDirectories(tmp.resolve(spec.id().toString()));
    }

    private static String nodeOf(ContainerInfo c) {
        return c.labels().get(ServiceBlueprint.NODE_LABEL);
    }

    private DockerRuntime nodeEngine(String node) {
        String engine = SwarmRuntimeConfig.parseNodes(TestSwarm.require().get("RAPTOR_SWARM_NODES")).get(node).toString();
        return DockerRuntime.connect(DockerRuntimeConfig.of(engine).withNode(label));
    }

    /** The ports are published inside the nodes' namespaces, so any port number is free on the host; one at random. */
    private static String greeting(String address, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            s.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static List<String> history(dev.raptor.core.runtime.ContainerRuntime on, ContainerInfo c) throws InterruptedException {
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (Subscription ignored = on.logs(c.ref(), LogRequest.history(-1), new StreamSink<>() {
            @Override
            public void next(LogLine line) {
                lines.add(line.text());
            }

            @Override
            public void end(Throwable error) {
                done.countDown();
            }
        })) {
            assertThat(done.await(HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        return lines;
    }

}
