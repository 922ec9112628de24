package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.node.LocalMachine;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SFTP through a node agent with the real programs: a manager raptord whose one node (this machine, by its hostname)
 * has a {@code raptord agent} with a volumes directory of its own, as a worker would. A user made over the manager's
 * API logs in to the manager's SFTP port with OpenSSH's {@code sftp}; the files are the agent's, the manager's own
 * volume path stays empty, the activity lands in the manager's log; and once the agent is gone a session fails at once
 * saying so. (On the real two-node swarm the same path is exercised by the file API's SwarmFilesAgentTest setup.)
 */
class SftpAgentDaemonTest {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path tmp;

    @Test
    void aServerOnANodeWithAnAgentIsServedOverTheManagersSftpFromTheAgentsVolume() throws Exception {
        String agentKey = ApiKey.generate();
        Path agentVolumes = tmp.resolve("agent-volumes");
        int agentHttp = DaemonProcess.freePort();
        int agentSftp = DaemonProcess.freePort();
        DaemonProcess agent = DaemonProcess.builder()
                .env(Map.of("RAPTOR_AGENT_ADDR", "127.0.0.1:" + agentHttp, "RAPTOR_AGENT_SFTP_ADDR", "127.0.0.1:" + agentSftp,
                        "RAPTOR_AGENT_VOLUMES", agentVolumes.toString(), "RAPTOR_AGENT_KEY", agentKey))
                .args(List.of("agent"))
                .classPath(TestDaemon.classPath())
                .output(tmp.resolve("agent.out"), tmp.resolve("agent.err"))
                .launch();
        int sftpPort = DaemonProcess.freePort();
        String host = LocalMachine.hostname();
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", ApiKey.generate());
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", "sftp-agent-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        env.put("RAPTOR_SWARM_AGENTS", host + "=http://127.0.0.1:" + agentHttp);
        env.put("RAPTOR_SWARM_AGENTS_SFTP", host + "=127.0.0.1:" + agentSftp);
        env.put("RAPTOR_AGENT_KEY", agentKey);
        String id = null;
        try (DaemonProcess d = TestDaemon.launch(tmp, "manager", env, List.of())) {
            try {
                awaitAgent(agent, agentHttp);
                TestDaemon.awaitHealthy(d);
                id = DaemonRequests.json(d, "POST", "/api/v1/servers", """
                        {"name": "sftp-on-agent", "image": "raptor-test/gameserver:1", "node": "%s",
                         "fileRules": {"deny": ["*.secret"]}}""".formatted(host), 201).get("id").asText();
                JsonNode admin = DaemonRequests.json(d, "POST", "/api/v1/servers/" + id + "/sftp-users",
                        "{\"username\": \"admin\", \"password\": \"" + PASSWORD + "\"}", 201);
                JsonNode viewer = DaemonRequests.json(d, "POST", "/api/v1/servers/" + id + "/sftp-users",
                        "{\"username\": \"viewer\", \"password\": \"" + PASSWORD + "\", \"permissions\": [\"read\"]}", 201);
                Path volume = Files.createDirectories(agentVolumes.resolve(id));
                Files.writeString(volume.resolve("server.properties"), "motd=on the agent");
                Files.writeString(volume.resolve("rcon.secret"), "hidden");
                Path work = Files.createDirectories(tmp.resolve("work"));
                Files.writeString(work.resolve("plugin.jar"), "plugin bytes");

                Sftp put = sftp(sftpPort, admin.get("login").asText(), work, """
                        put plugin.jar
                        rename plugin.jar renamed.jar
                        get server.properties got.properties
                        -get rcon.secret
                        ls -1
                        """);
                assertThat(put.exit()).as(put.output()).isZero();
                assertThat(volume.resolve("renamed.jar")).hasContent("plugin bytes");
                assertThat(work.resolve("got.properties")).hasContent("motd=on the agent");
                assertThat(work.resolve("rcon.secret")).as("the spec's deny rule holds on the agent: " + put.output()).doesNotExist();
                assertThat(put.output().substring(put.output().lastIndexOf("ls -1"))).contains("renamed.jar", "server.properties")
                        .doesNotContain("rcon.secret");
                assertThat(tmp.resolve("data/volumes/" + id + "/renamed.jar")).as("nothing on the manager's disk").doesNotExist();
                String serverId = id;
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        DaemonRequests.json(d, "GET", "/api/v1/servers/" + serverId + "/activity?limit=50", null, 200)
                                .findValuesAsText("type")).contains("sftp.login", "sftp.upload", "sftp.rename"));

                Files.writeString(work.resolve("intruder.txt"), "no");
                Sftp refused = sftp(sftpPort, viewer.get("login").asText(), work, "put intruder.txt\n");
                assertThat(refused.exit()).as(refused.output()).isNotZero();
                assertThat(volume.resolve("intruder.txt")).doesNotExist();

                agent.close(); // the agent gone: a new session fails at once, saying why
                Sftp down = sftp(sftpPort, admin.get("login").asText(), work, "ls\n");
                assertThat(down.exit()).as(down.output()).isNotZero();
                assertThat(down.output()).contains("node " + host).contains("cannot be reached");
            } finally {
                if (id != null) {
                    DaemonRequests.request(d, "DELETE", "/api/v1/servers/" + id + "?force=true", null);
                }
            }
        } finally {
            agent.close();
        }
    }

    private static void awaitAgent(DaemonProcess agent, int port) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            await().atMost(TestDaemon.BOOT_LIMIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(agent.isAlive()).as("the agent runs; its output: %s", agent.output()).isTrue();
                assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                assertThat(agent.output()).contains("SFTP link for the manager");
            });
        }
    }

    private record Sftp(int exit, String output) {
    }

    /** OpenSSH's {@code sftp} in batch mode with a password; what it printed and its exit code. */
    private Sftp sftp(int port, String login, Path work, String commands) throws Exception {
        Path log = Files.createTempFile(tmp, "sftp", ".out");
        ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1", "-P", Integer.toString(port),
                "-b", "-", login + "@127.0.0.1")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SSHPASS", PASSWORD);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("sftp ends").isTrue();
        return new Sftp(p.exitValue(), Files.readString(log));
    }
}
