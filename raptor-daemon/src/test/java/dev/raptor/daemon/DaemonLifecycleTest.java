package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
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
    /** The game server's boot in the SIGTERM test, which must still be under way when the first daemon stops. */
    static final Duration BOOT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    final String node = "daemontest-" + UUID.randomUUID().toString().substring(0, 8);
    final List<DaemonProcess> daemons = new ArrayList<>();
    DockerRuntime engine;

    @BeforeEach
    void connect() {
        engine = DockerRuntime.connect(DockerRuntimeConfig.of(TestDaemon.dockerHost()).withNode(node));
    }

    @AfterEach
    void cleanUp() {
        daemons.forEach(DaemonProcess::close);
        engine.close();
        TestDaemon.removeContainers(node);
    }

    private DaemonProcess boot(Path data, String apiKey, String name) {
        DaemonProcess d = TestDaemon.started(DaemonProcess.builder().dataDir(data).socket(tmp.resolve("raptor.sock"))
                .httpPort(DaemonProcess.freePort()).apiKey(apiKey).docker(TestDaemon.dockerHost(), node)
                .output(tmp.resolve(name + ".out"), tmp.resolve(name + ".err")));
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

        // The boot must outlast the steps from the container running to the daemon's shutdown (a poll, a read, SIGTERM
        // and its handling): far more than they take even on a loaded machine. The next boot adopts the running
        // container as running, so nothing waits it out.
        ServerDocument created = first.client().servers().create(new ServerSpecDocument(null, "survivor", "raptor-test/gameserver:1",
                null, Map.of("BOOT_DELAY", Long.toString(BOOT.toSeconds())), null, null,
                new StopDocument("command", "stop", BigDecimal.valueOf(20), null, null),
                null, null, null, null, null, "Done!", null, null, null, null, null, null));
        UUID id = created.spec().id();
        OperationDocument accepted = first.client().server(id).powerNoWait("start");
        assertThat(accepted.status()).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(60)).until(() -> engine.find(id, Deadline.in(Duration.ofSeconds(30))).stream().anyMatch(ContainerInfo::running));
        assertThat(first.client().server(id).get().state()).as("still booting (BOOT_DELAY " + BOOT.toSeconds() + ")").isEqualTo("starting");
        ContainerInfo before = container(id);

        int exit = first.terminate(Duration.ofSeconds(60));
        assertThat(exit).as(first.output()).isEqualTo(EXIT_AFTER_SIGTERM);
        assertThat(first.output()).contains("raptord stopped cleanly").doesNotContain("Exception");
        assertThat(Files.exists(tmp.resolve("raptor.sock"))).as("the socket file is removed").isFalse();
        ContainerInfo afterStop = container(id);
        assertThat(afterStop.running()).as("the game server keeps running without the daemon").isTrue();
        assertThat(afterStop.ref().id()).isEqualTo(before.ref().id());

        DaemonProcess second = boot(data, key, "second");
        RaptorClient api = second.client();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.server(id).get().state().equals("running"));
        ServerDocument adopted = api.server(id).get();
        assertThat(adopted.desiredState()).isEqualTo("running");
        assertThat(adopted.containerId()).isEqualTo(before.ref().id());
        ContainerInfo after = container(id);
        assertThat(after.ref().id()).as("the same container").isEqualTo(before.ref().id());
        assertThat(after.startedAt()).as("not restarted").isEqualTo(before.startedAt());
        assertThat(second.output()).contains("adopted=1");
        // The shutdown cut the start short; its operation still answers, from the store, and says so.
        OperationDocument operation = api.operations().get(accepted.id());
        assertThat(operation.status()).as(operation.toString()).isEqualTo("superseded");
        assertThat(operation.supersededBy()).isEqualTo("daemon restart");
        assertThat(operation.reason()).contains("boot reconciliation carries out the desired state it recorded");

        OperationDocument deleted = api.server(id).delete(true);
        assertThat(deleted.status()).isEqualTo("done");
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
        DaemonProcess d = TestDaemon.launch(tmp, "auto-process", env, List.of());
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        assertThat(d.client().system().runtime()).isEqualTo("process");

        String log = d.stderr();
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
        DaemonProcess d = TestDaemon.launch(tmp, "no-engine", Map.of("RAPTOR_DATA_DIR", tmp.resolve("data").toString(),
                "RAPTOR_RUNTIME", "docker", "DOCKER_HOST", "unix://" + tmp.resolve("no-engine-here.sock"),
                "RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort(), "RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString()), List.of());
        daemons.add(d);
        assertThat(d.awaitExit(Duration.ofSeconds(90))).as(d.output()).isEqualTo(RaptordMain.EXIT_BOOT_FAILED);
        assertThat(d.output()).contains("no Docker Engine answers at unix://").doesNotContain("\tat ");
    }

    @Test
    void aBadConfigurationStopsBootWithExitCode2NamingEverySetting() throws Exception {
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, "httpAddr: nowhere\nbogus: 1\n");
        DaemonProcess d = TestDaemon.launch(tmp, "bad-config",
                Map.of("RAPTOR_RUNTIME", "sideways", "RAPTOR_DATA_DIR", tmp.resolve("data").toString()), List.of("--config", config.toString()));
        daemons.add(d);
        assertThat(d.awaitExit(Duration.ofSeconds(60))).as(d.output()).isEqualTo(RaptordMain.EXIT_USAGE);
        String err = d.stderr();
        assertThat(err).contains("httpAddr in " + config).contains("'bogus'").contains("RAPTOR_RUNTIME")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("data"))).as("nothing was created").isFalse();
    }

    @Test
    void aMissingExplicitConfigFileStopsBoot() throws Exception {
        DaemonProcess d = TestDaemon.launch(tmp, "missing-config", Map.of(), List.of("--config", tmp.resolve("nope.yml").toString()));
        daemons.add(d);
        assertThat(d.awaitExit(Duration.ofSeconds(60))).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(d.stderr()).contains("nope.yml").doesNotContain("\tat ");
    }
}
