package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.node.NodeState;
import dev.raptor.core.node.RuntimeNode;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Node engines reached over TLS with client certificates ({@link SwarmRuntimeConfig#tlsCertPath}): each engine of the
 * test swarm also listens on {@code tcp://<its address>:2376} with {@code dockerd --tlsverify} and certificates of a CA
 * {@code scripts/swarm.sh} made (RAPTOR_SWARM_TLS_NODES, RAPTOR_SWARM_TLS_CERTS). Here both nodes are reached only
 * that way (the manager on its socket): every kind of call the runtime makes to a node, single calls, the log stream,
 * exec and the hijacked console input, crosses TLS.
 */
class SwarmTlsTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private final String label = "tls-" + UUID.randomUUID();
    private SwarmRuntime runtime;
    private final List<ContainerInfo> made = new ArrayList<>();

    @BeforeEach
    void overTls() {
        runtime = SwarmRuntime.connect(config(Path.of(TestSwarm.require().get("RAPTOR_SWARM_TLS_CERTS"))));
    }

    @AfterEach
    void closeAll() {
        for (ContainerInfo c : made) {
            runtime.remove(c.ref(), Deadline.in(HANG));
        }
        runtime.close();
    }

    @Test
    void aServerOnANodeWhoseEngineRequiresTlsRunsAndItsConsoleExecAndLogsGoOverTls() throws Exception {
        int serverPort = TestSwarm.freePort();
        ServerSpec spec = ServerSpec.builder(TestSwarm.image()).name("tls").env("SERVER_NAME", "tls").node(TestSwarm.NODE_2)
                .allocation(Allocation.primary("0.0.0.0", serverPort, Protocol.TCP)).build();
        ContainerInfo c = runtime.create(spec, Files.createDirectories(tmp.resolve(spec.id().toString())), Deadline.in(HANG));
        made.add(c);
        runtime.start(c.ref(), Deadline.in(HANG));
        TestSwarm.awaitGreeting(TestSwarm.NODE_2, serverPort, "tls", HANG);

        runtime.sendInput(c.ref(), "say hello over tls", Deadline.in(HANG));
        await().atMost(HANG).until(() -> history(c).contains("[Server] hello over tls"));
        ExecResult r = runtime.exec(c.ref(), ExecRequest.of("hostname"), Deadline.in(HANG));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(runtime.nodes(Deadline.in(HANG))).filteredOn(n -> n.name().equals(TestSwarm.NODE_2))
                .singleElement().extracting(RuntimeNode::state).isEqualTo(NodeState.READY);
    }

    @Test
    void aClientCertificateOfAnotherCaIsRefusedByTheNodeWhichThenReadsDown() throws Exception {
        Path rogueCa = Files.createDirectories(tmp.resolve("rogue-ca"));
        openssl(rogueCa, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=someone-else");
        signed(rogueCa, "client", "extendedKeyUsage=clientAuth\n");
        Path rogue = Files.createDirectories(tmp.resolve("rogue"));
        // it trusts the swarm's CA (so the engine's certificate checks out) but shows a certificate the engine does not accept
        Files.copy(Path.of(TestSwarm.require().get("RAPTOR_SWARM_TLS_CERTS"), "ca.pem"), rogue.resolve("ca.pem"));
        Files.copy(rogueCa.resolve("client-cert.pem"), rogue.resolve("cert.pem"));
        Files.copy(rogueCa.resolve("client-key.pem"), rogue.resolve("key.pem"));

        try (SwarmRuntime refused = SwarmRuntime.connect(config(rogue))) {
            assertThat(refused.nodes(Deadline.in(HANG))).hasSize(2).allSatisfy(n -> {
                assertThat(n.state()).isEqualTo(NodeState.DOWN);
                assertThat(n.reason()).contains("does not answer");
            });
        }
        assertThat(runtime.nodes(Deadline.in(HANG))).as("the right certificate is let in").filteredOn(n -> n.name().equals(TestSwarm.NODE_2))
                .singleElement().extracting(RuntimeNode::state).isEqualTo(NodeState.READY);
    }

    /** The manager on its socket, both nodes over TLS with the client files in {@code client}. */
    private SwarmRuntimeConfig config(Path client) {
        SwarmRuntimeConfig base;
        try (SwarmRuntime plain = TestSwarm.runtime(label)) {
            base = plain.config();
        }
        Map<String, URI> nodes = SwarmRuntimeConfig.parseNodes(TestSwarm.require().get("RAPTOR_SWARM_TLS_NODES"));
        assertThat(nodes.values()).allSatisfy(u -> assertThat(u.getScheme()).isEqualTo("tcp"));
        return new SwarmRuntimeConfig(base.manager(), nodes, label, Map.of(), base.helperImage(), client);
    }

    /** {@code <name>-key.pem} and {@code <name>-cert.pem} in {@code ca}, signed by its {@code ca.pem}, with {@code extensions}. */
    private static void signed(Path ca, String name, String extensions) throws Exception {
        Files.writeString(ca.resolve(name + ".ext"), extensions);
        openssl(ca, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl(ca, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", name + "-cert.pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    private List<String> history(ContainerInfo c) throws InterruptedException {
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        try (Subscription ignored = runtime.logs(c.ref(), LogRequest.history(-1), new StreamSink<>() {
            @Override
            public void next(LogLine line) {
                lines.add(line.text());
            }

            @Override
            public void end(Throwable error) {
                done.countDown();
            }
        })) {
            assertThat(done.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        return lines;
    }
}
