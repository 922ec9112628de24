package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.swarm.TestSwarm;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.LimitsDocument;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SFTP to a server on a worker, on the real two-node test swarm (scripts/swarm.sh): {@code raptord agent} runs in node
 * 2's own network namespace on node 2's volumes directory (the manager reaches it only at node 2's address), the user
 * logs in to the manager's SFTP port with OpenSSH's {@code sftp}, and the channel is piped to the agent's SFTP link:
 * what the user puts is in node 2's volume and read by the game server in its container, and what the game server
 * writes the user gets.
 */
class SwarmSftpAgentTest {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path tmp;

    @Test
    void aUserOfTheManagersSftpReachesTheFilesOfAServerOnAWorkerThroughThatWorkersAgent() throws Exception {
        Map<String, String> swarm = TestSwarm.require();
        String node = "swarmsftp-" + UUID.randomUUID().toString().substring(0, 8);
        String agentKey = ApiKey.generate();
        Path nodeTwoVolumes = tmp.resolve("node-2-volumes");
        String nodeTwo = TestSwarm.addressOf(TestSwarm.NODE_2);
        DaemonProcess agent = startAgent(nodeTwoVolumes, agentKey, nodeTwo);
        int sftpPort = DaemonProcess.freePort();

        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", ApiKey.generate());
        env.put("RAPTOR_RUNTIME", "swarm");
        env.put("DOCKER_HOST", swarm.get("RAPTOR_SWARM_MANAGER"));
        env.put("RAPTOR_SWARM_NODES", swarm.get("RAPTOR_SWARM_NODES"));
        env.put("RAPTOR_NODE", node);
        env.put("RAPTOR_SWARM_VOLUMES", TestSwarm.NODE_2 + "=" + nodeTwoVolumes);
        env.put("RAPTOR_SWARM_AGENTS", TestSwarm.NODE_2 + "=http://" + nodeTwo + ":" + port(agent, "raptord agent serving the files of .* on [0-9.]+:(\\d+)"));
        env.put("RAPTOR_SWARM_AGENTS_SFTP", TestSwarm.NODE_2 + "=" + nodeTwo + ":" + port(agent, "SFTP link for the manager on /?[0-9.]+:(\\d+)"));
        env.put("RAPTOR_AGENT_KEY", agentKey);
        int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);

        try (agent; DaemonProcess d = TestDaemon.launch(tmp, "manager", env, List.of())) {
            TestDaemon.awaitHealthy(d);
            RaptorClient api = d.client();
            UUID id = api.servers().create(onNode("sftp-on-2", port, TestSwarm.NODE_2)).spec().id();
            try {
                OperationDocument started = api.server(id).power("start", Duration.ofSeconds(90));
                assertThat(started.status()).as(started.toString()).isEqualTo("done");
                SftpUserDocument user = api.server(id).addSftpUser(new SftpUserRequest("admin", PASSWORD, null, null, null));
                ExecResultDocument wrote = api.server(id).exec(exec("sh", "-c", "echo made by the game > /home/container/game.txt"));
                assertThat(wrote.exitCode()).as(wrote.toString()).isZero();
                Path work = Files.createDirectories(tmp.resolve("work"));
                Files.writeString(work.resolve("level.dat"), "the world of sftp-on-2\n");

                String out = sftp(sftpPort, user.login(), work, """
                        mkdir world
                        put level.dat world/level.dat
                        get game.txt got.txt
                        ls -1 world
                        """);

                assertThat(nodeTwoVolumes.resolve(id.toString()).resolve("world").resolve("level.dat"))
                        .hasContent("the world of sftp-on-2\n");
                assertThat(tmp.resolve("data").resolve("volumes").resolve(id.toString()).resolve("world"))
                        .as("nothing of it on the manager's own disk").doesNotExist();
                assertThat(work.resolve("got.txt")).as(out).hasContent("made by the game\n");
                ExecResultDocument seen = api.server(id).exec(exec("cat", "/home/container/world/level.dat"));
                assertThat(seen.exitCode()).as(seen.toString()).isZero();
                assertThat(seen.stdout()).isEqualTo("the world of sftp-on-2\n");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(api.server(id).activity(50).entries()).filteredOn(e -> e.type().equals("sftp.upload"))
                                .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("node", TestSwarm.NODE_2)
                                        .containsEntry("path", "/world/level.dat")));
                assertThat(api.server(id).activity(50).entries()).extracting(ActivityEntryDocument::type).contains("sftp.login", "sftp.mkdir");
            } finally {
                api.server(id).delete(true);
            }
        }
    }

    /** {@code raptord agent} in node 2's network namespace, its HTTP port and its SFTP link on free ports there. */
    private DaemonProcess startAgent(Path volumes, String key, String address) {
        DaemonProcess agent = DaemonProcess.builder()
                .wrapper(List.of("nsenter", "--net=/var/run/netns/" + TestSwarm.NODE_2, "--"))
                .env(Map.of("RAPTOR_AGENT_ADDR", address + ":0", "RAPTOR_AGENT_SFTP_ADDR", address + ":0",
                        "RAPTOR_AGENT_VOLUMES", volumes.toString(), "RAPTOR_AGENT_KEY", key))
                .args(List.of("agent"))
                .classPath(TestDaemon.classPath())
                .output(tmp.resolve("agent.out"), tmp.resolve("agent.err"))
                .launch();
        try (HttpClient http = HttpClient.newHttpClient()) {
            await().atMost(TestDaemon.BOOT_LIMIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(agent.isAlive()).as("the agent runs; its output: %s", agent.output()).isTrue();
                int port = port(agent, "raptord agent serving the files of .* on [0-9.]+:(\\d+)");
                URI health = URI.create("http://" + address + ":" + port + "/api/v1/health");
                assertThat(http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            });
        } catch (RuntimeException | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /** A port the agent's output names. */
    private static int port(DaemonProcess agent, String regex) {
        Matcher m = Pattern.compile(regex).matcher(agent.output());
        assertThat(m.find()).as("the agent says where it serves: %s", agent.output()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** OpenSSH's {@code sftp} in batch mode with a password; it must succeed; what it printed. */
    private String sftp(int port, String login, Path work, String commands) throws Exception {
        Path log = Files.createTempFile(tmp, "sftp", ".out");
        ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-P", Integer.toString(port), "-b", "-", login + "@127.0.0.1")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SSHPASS", PASSWORD);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("sftp ends").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static ExecRequestDocument exec(String... command) {
        return new ExecRequestDocument(List.of(command), null, null, null, null, BigDecimal.valueOf(30), null);
    }

    private static ServerSpecDocument onNode(String name, int port, String node) {
        return new ServerSpecDocument(null, name, TestSwarm.image(), null, Map.of("SERVER_NAME", name),
                List.of(new AllocationDocument("0.0.0.0", port, null, "tcp", true)),
                new LimitsDocument(256L, null, null, null, null, null, null, null),
                new StopDocument("command", "stop", BigDecimal.valueOf(20), null, null), null, null, null, null, null, "Done!",
                null, null, null, null, null, null, null, node);
    }
}
