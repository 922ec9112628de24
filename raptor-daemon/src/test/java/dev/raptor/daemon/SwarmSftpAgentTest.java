package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.swarm.TestSwarm;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.raptor.daemon.TestSwarmDaemon.AGENT_HTTP;
import static dev.raptor.daemon.TestSwarmDaemon.AGENT_SFTP;
import static dev.raptor.daemon.TestSwarmDaemon.exec;
import static dev.raptor.daemon.TestSwarmDaemon.managerEnv;
import static dev.raptor.daemon.TestSwarmDaemon.onNode;
import static dev.raptor.daemon.TestSwarmDaemon.port;
import static dev.raptor.daemon.TestSwarmDaemon.startAgent;
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
        TestSwarm.require();
        String node = "swarmsftp-" + UUID.randomUUID().toString().substring(0, 8);
        String agentKey = ApiKey.generate();
        Path nodeTwoVolumes = tmp.resolve("node-2-volumes");
        String nodeTwo = TestSwarm.addressOf(TestSwarm.NODE_2);
        DaemonProcess agent = startAgent(tmp, nodeTwoVolumes, agentKey, Map.of("RAPTOR_AGENT_SFTP_ADDR", nodeTwo + ":0"), null);
        int sftpPort = DaemonProcess.freePort();

        Map<String, String> env = managerEnv(tmp, node, nodeTwoVolumes);
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        env.put("RAPTOR_SWARM_AGENTS", TestSwarm.NODE_2 + "=http://" + nodeTwo + ":" + port(agent, AGENT_HTTP));
        env.put("RAPTOR_SWARM_AGENTS_SFTP", TestSwarm.NODE_2 + "=" + nodeTwo + ":" + port(agent, AGENT_SFTP));
        env.put("RAPTOR_AGENT_KEY", agentKey);
        int port = TestSwarm.freePort();

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

}
