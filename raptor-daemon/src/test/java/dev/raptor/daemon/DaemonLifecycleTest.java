package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * raptord as a process: SIGTERM while a start is in flight exits cleanly and leaves the game server
 * running, and the next boot on the same data directory adopts it without restarting it; a bad
 * configuration stops boot with exit code 2 and a message naming every bad setting.
 */
class DaemonLifecycleTest {
    /** After SIGTERM the JVM exits with 128 + 15 once the shutdown hook has finished. */
    static final int EXIT_AFTER_SIGTERM = 143;

    @TempDir
    Path tmp;
    final String node = "daemontest-" + UUID.randomUUID().toString().substring(0, 8);
    final List<DaemonProcess> daemons = new ArrayList<>();
    DockerRuntime engine;

    @BeforeEach
    void connect() {
        engine = DockerRuntime.connect(DockerRuntimeConfig.of(DaemonProcess.dockerHost()).withNode(node));
    }

    @AfterEach
    void cleanUp() {
        daemons.forEach(DaemonProcess::close);
        for (ContainerInfo c : engine.listOwned(Deadline.in(Duration.ofSeconds(60)))) {
            try {
                engine.remove(c.ref(), Deadline.in(Duration.ofSeconds(60)));
            } catch (EngineException e) {
                // gone already
            }
        }
        engine.close();
    }

    private DaemonProcess boot(Path data, String apiKey, String name) {
        DaemonProcess d = DaemonProcess.boot(data, tmp.resolve("raptor.sock"), node, apiKey, tmp, name);
        daemons.add(d);
        return d;
    }

    private ContainerInfo container(UUID server) {
        List<ContainerInfo> found = engine.find(server, Deadline.in(Duration.ofSeconds(30)));
        assertThat(found).as("containers of " + server).hasSize(1);
        return found.getFirst();
    }

    @Test
    void sigtermDuringAStartLeavesTheServerRunningAndTheNextBootAdoptsIt() {
        Path data = tmp.resolve("data");
        String key = ApiKey.generate();
        DaemonProcess first = boot(data, key, "first");

        JsonNode created = first.json("POST", "/api/v1/servers", """
                {"name": "survivor", "image": "raptor-test/gameserver:1", "environment": {"BOOT_DELAY": "5"},
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}, "readyPattern": "Done!"}""", 201);
        UUID id = UUID.fromString(created.get("id").asText());
        JsonNode accepted = first.json("POST", "/api/v1/servers/" + id + "/power", "{\"action\": \"start\", \"wait\": false}", 202);
        assertThat(accepted.get("status").asText()).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(60)).until(() -> engine.find(id, Deadline.in(Duration.ofSeconds(30))).stream().anyMatch(ContainerInfo::running));
        assertThat(first.json("GET", "/api/v1/servers/" + id, null, 200).get("state").asText()).as("still booting (BOOT_DELAY 5)").isEqualTo("starting");
        ContainerInfo before = container(id);

        int exit = first.terminate(Duration.ofSeconds(60));
        assertThat(exit).as(first.output()).isEqualTo(EXIT_AFTER_SIGTERM);
        assertThat(first.output()).contains("raptord stopped cleanly").doesNotContain("Exception");
        assertThat(Files.exists(tmp.resolve("raptor.sock"))).as("the socket file is removed").isFalse();
        ContainerInfo afterStop = container(id);
        assertThat(afterStop.running()).as("the game server keeps running without the daemon").isTrue();
        assertThat(afterStop.ref().id()).isEqualTo(before.ref().id());

        DaemonProcess second = boot(data, key, "second");
        await().atMost(Duration.ofSeconds(60)).until(() -> second.json("GET", "/api/v1/servers/" + id, null, 200).get("state").asText().equals("running"));
        JsonNode adopted = second.json("GET", "/api/v1/servers/" + id, null, 200);
        assertThat(adopted.get("desiredState").asText()).isEqualTo("running");
        assertThat(adopted.get("containerId").asText()).isEqualTo(before.ref().id());
        ContainerInfo after = container(id);
        assertThat(after.ref().id()).as("the same container").isEqualTo(before.ref().id());
        assertThat(after.startedAt()).as("not restarted").isEqualTo(before.startedAt());
        assertThat(second.output()).contains("adopted=1");
        // The shutdown cut the start short; its operation still answers, from the store, and says so.
        JsonNode operation = second.json("GET", accepted.get("href").asText(), null, 200);
        assertThat(operation.get("status").asText()).as(operation.toString()).isEqualTo("superseded");
        assertThat(operation.get("supersededBy").asText()).isEqualTo("daemon restart");
        assertThat(operation.get("reason").asText()).contains("boot reconciliation carries out the desired state it recorded");

        JsonNode deleted = second.json("DELETE", "/api/v1/servers/" + id + "?force=true", null, 200);
        assertThat(deleted.get("status").asText()).isEqualTo("done");
        assertThat(second.terminate(Duration.ofSeconds(60))).isEqualTo(EXIT_AFTER_SIGTERM);
    }

    @Test
    void withoutAnEngineAutoChoosesTheProcessRuntimeAndTheBootSummarySaysWhyWithoutLibraryNoise() throws Exception {
        Path data = tmp.resolve("data");
        Path noEngine = tmp.resolve("no-engine-here.sock");
        int port = DaemonProcess.freePort();
        Map<String, String> env = new java.util.HashMap<>();
        env.put("RAPTOR_DATA_DIR", data.toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + port);
        env.putIfAbsent("RAPTOR_SFTP_ADDR", "127.0.0.1:0"); // never the shared default port 2022
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", ApiKey.generate());
        env.put("RAPTOR_RUNTIME", "auto");
        env.put("DOCKER_HOST", "unix://" + noEngine);
        DaemonProcess d = DaemonProcess.launch(tmp, "auto-process", env, List.of());
        daemons.add(d);
        d.awaitHealthy();
        JsonNode system = d.json("GET", "/api/v1/system", null, 200);
        assertThat(system.get("runtime").asText()).isEqualTo("process");

        String log = Files.readString(d.err);
        assertThat(log).contains("raptord " + RaptordMain.version() + " ready")
                .contains("  data dir: " + data + " (RAPTOR_DATA_DIR)")
                .containsPattern("  runtime:  process \\S+, because no Docker Engine at " + java.util.regex.Pattern.quote("unix://" + noEngine) + ": .*No such file or directory")
                .containsPattern("  host:     servers run as the host account \\S+ \\(uid \\d+, gid \\d+\\), .*"
                        + "\\(choose another with serverUser / RAPTOR_SERVER_USER\\); cgroups: ")
                .contains("  API:      http://127.0.0.1:" + port + "/api/v1 and the unix socket " + tmp.resolve("raptor.sock"))
                .contains("  API key:  from RAPTOR_API_KEY")
                .contains("  servers:  0 known, 0 adopted, 0 started, 0 stopped");
        assertThat(log).as("library chatter").doesNotContain("recoverable I/O exception").doesNotContain("re-executed")
                .doesNotContain("Javalin").doesNotContain("jetty-");
        assertThat(d.terminate(Duration.ofSeconds(60))).isEqualTo(EXIT_AFTER_SIGTERM);
    }

    @Test
    void anExplicitDockerRuntimeWithoutAnEngineStopsBootWithExitCode1() throws Exception {
        DaemonProcess d = DaemonProcess.launch(tmp, "no-engine", Map.of("RAPTOR_DATA_DIR", tmp.resolve("data").toString(),
                "RAPTOR_RUNTIME", "docker", "DOCKER_HOST", "unix://" + tmp.resolve("no-engine-here.sock"),
                "RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort(), "RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString()), List.of());
        daemons.add(d);
        assertThat(d.process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(d.process.exitValue()).as(d.output()).isEqualTo(RaptordMain.EXIT_BOOT_FAILED);
        assertThat(d.output()).contains("no Docker Engine answers at unix://").doesNotContain("\tat ");
    }

    @Test
    void aBadConfigurationStopsBootWithExitCode2NamingEverySetting() throws Exception {
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, "httpAddr: nowhere\nbogus: 1\n");
        DaemonProcess d = DaemonProcess.launch(tmp, "bad-config",
                Map.of("RAPTOR_RUNTIME", "sideways", "RAPTOR_DATA_DIR", tmp.resolve("data").toString()), List.of("--config", config.toString()));
        daemons.add(d);
        assertThat(d.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(d.process.exitValue()).as(d.output()).isEqualTo(RaptordMain.EXIT_USAGE);
        String err = Files.readString(d.err);
        assertThat(err).contains("httpAddr in " + config).contains("'bogus'").contains("RAPTOR_RUNTIME")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("data"))).as("nothing was created").isFalse();
    }

    @Test
    void aMissingExplicitConfigFileStopsBoot() throws Exception {
        DaemonProcess d = DaemonProcess.launch(tmp, "missing-config", Map.of(), List.of("--config", tmp.resolve("nope.yml").toString()));
        daemons.add(d);
        assertThat(d.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(d.process.exitValue()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(Files.readString(d.err)).contains("nope.yml").doesNotContain("\tat ");
    }
}
