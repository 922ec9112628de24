package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.swarm.TestSwarm;
import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.LimitsDocument;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;

import javax.net.ssl.SSLContext;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The swarm daemon tests' fixture, on the real two-node test swarm (scripts/swarm.sh): a manager's environment on the
 * Swarm runtime, {@code raptord agent} in node 2's own network namespace (reached only at node 2's address), where it
 * says it serves, and the test game server's spec pinned to a node. The tests remove their services by their node label
 * ({@code TestSwarm.removeServices}) after each test.
 */
final class TestSwarmDaemon {
    /** What the agent prints once it serves its HTTP port: the port is the group. */
    static final String AGENT_HTTP = "raptord agent serving the files of .* on [0-9.]+:(\\d+)";
    /** What the agent prints once it serves its SFTP link: the port is the group. */
    static final String AGENT_SFTP = "SFTP link for the manager on /?[0-9.]+:(\\d+)";

    private TestSwarmDaemon() {
    }

    /**
     * A manager's environment (changeable) on the Swarm runtime of the test swarm: its data, API and socket under
     * {@code tmp}, Raptor node label {@code nodeLabel}, node 2's volumes in {@code nodeTwoVolumes} (apart from this
     * machine's, node 1's, so that what is on node 2 is really there).
     */
    static Map<String, String> managerEnv(Path tmp, String nodeLabel, Path nodeTwoVolumes) {
        Map<String, String> swarm = TestSwarm.require();
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", ApiKey.generate());
        env.put("RAPTOR_RUNTIME", "swarm");
        env.put("DOCKER_HOST", swarm.get("RAPTOR_SWARM_MANAGER"));
        env.put("RAPTOR_SWARM_NODES", swarm.get("RAPTOR_SWARM_NODES"));
        env.put("RAPTOR_NODE", nodeLabel);
        env.put("RAPTOR_SWARM_VOLUMES", TestSwarm.NODE_2 + "=" + nodeTwoVolumes);
        return env;
    }

    /**
     * {@code raptord agent} in node 2's network namespace on {@code volumes}, with {@code key} and {@code env} (more of its
     * settings), on a free port of node 2's address; returned once its health answers 200, over HTTPS trusting
     * {@code trust} when given, else plain HTTP. Its output goes to {@code agent.out}/{@code agent.err} in {@code tmp}.
     */
    static DaemonProcess startAgent(Path tmp, Path volumes, String key, Map<String, String> env, SSLContext trust) {
        String address = TestSwarm.addressOf(TestSwarm.NODE_2);
        Map<String, String> all = new HashMap<>(env);
        all.put("RAPTOR_AGENT_ADDR", address + ":0");
        all.put("RAPTOR_AGENT_VOLUMES", volumes.toString());
        all.put("RAPTOR_AGENT_KEY", key);
        DaemonProcess agent = DaemonProcess.builder()
                .wrapper(List.of("nsenter", "--net=/var/run/netns/" + TestSwarm.NODE_2, "--"))
                .env(all)
                .args(List.of("agent"))
                .classPath(TestDaemon.classPath())
                .output(tmp.resolve("agent.out"), tmp.resolve("agent.err"))
                .launch();
        HttpClient.Builder client = HttpClient.newBuilder();
        if (trust != null) {
            client.sslContext(trust);
        }
        try (HttpClient http = client.build()) {
            await().atMost(TestDaemon.BOOT_LIMIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(agent.isAlive()).as("the agent runs; its output: %s", agent.output()).isTrue();
                URI health = URI.create((trust == null ? "http" : "https") + "://" + address + ":" + port(agent, AGENT_HTTP) + "/api/v1/health");
                assertThat(http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            });
        } catch (RuntimeException | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /** A port the agent's output names ({@link #AGENT_HTTP}, {@link #AGENT_SFTP}). */
    static int port(DaemonProcess agent, String regex) {
        Matcher m = Pattern.compile(regex).matcher(agent.output());
        assertThat(m.find()).as("the agent says where it serves: %s", agent.output()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The test game server, named {@code name}, on {@code port}, for the node its spec's {@code node} names. */
    static ServerSpecDocument onNode(String name, int port, String node) {
        return new ServerSpecDocument(null, name, TestSwarm.image(), null, Map.of("SERVER_NAME", name),
                List.of(new AllocationDocument("0.0.0.0", port, null, "tcp", true)),
                new LimitsDocument(256L, null, null, null, null, null, null, null),
                new StopDocument("command", "stop", BigDecimal.valueOf(20), null, null), null, null, null, null, null, "Done!",
                null, null, null, null, null, null, null, node);
    }

    /** An exec of {@code command} with a 30 s limit. */
    static ExecRequestDocument exec(String... command) {
        return new ExecRequestDocument(List.of(command), null, null, null, null, BigDecimal.valueOf(30), null);
    }
}
