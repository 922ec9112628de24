package dev.raptor.api.console;

import dev.raptor.api.ApiSettings;
import dev.raptor.api.ApiServer;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.auth.TokenService;
import dev.raptor.api.node.NodeStatus;
import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.testing.FleetTeardown;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.core.stats.StatsSettings;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.store.SqliteStore;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Raptor node in the test JVM wired as the daemon wires it, console and stats hubs included (the
 * daemon creates them and closes them after the API), on the real engine.
 */
final class ConsoleNode implements AutoCloseable {
    static final Duration HANG = TestNode.HANG;
    /**
     * How long a socket may stay unauthenticated: every test's client authenticates at once, so this only needs to be
     * longer than a loaded machine can delay that first message, and short enough that the test of a silent socket
     * does not wait long for its close.
     */
    static final Duration AUTH_TIMEOUT = Duration.ofSeconds(10);

    final Path dataDir;
    final String node = "consoletest-" + UUID.randomUUID().toString().substring(0, 8);
    final String apiKey = ApiKey.generate();
    final SqliteStore store;
    final DockerRuntime runtime;
    final EventBus bus = new EventBus();
    final ServerFleet fleet;
    final ConsoleHub consoles;
    final StatsHub stats;
    final ServerVolumes volumes;
    final TokenService tokens;
    final ApiServer api;

    ConsoleNode(Path dataDir) {
        this(dataDir, ConsoleSettings.defaults());
    }

    ConsoleNode(Path dataDir, ConsoleSettings consoleSettings) {
        this.dataDir = dataDir;
        this.store = SqliteStore.open(dataDir);
        this.runtime = TestEngine.runtime(node);
        this.fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(dataDir.resolve("volumes"))
                .withObserveEvery(Duration.ofSeconds(2)));
        fleet.boot();
        ServerRuns runs = ServerRuns.of(fleet);
        this.consoles = new ConsoleHub(runtime, runs, bus, consoleSettings);
        this.volumes = new ServerVolumes(dataDir.resolve("volumes"), UsageSettings.defaults());
        this.stats = new StatsHub(runtime, runs, bus, volumes.diskUsage(), StatsSettings.defaults());
        this.tokens = TokenService.loadOrGenerate(dataDir, Clock.systemUTC());
        NodeStatus status = new NodeStatus(fleet, dataDir, "test", () -> "ok", 1);
        this.api = ApiServer.create(fleet, status, ApiKey.of(apiKey, "test"), tokens,
                ApiSettings.defaults("127.0.0.1", 0, null, "test"),
                LiveConsole.of(consoles, stats, ConsoleSocketSettings.defaults().withAuthTimeout(AUTH_TIMEOUT))).start();
    }

    URI ws(UUID server) {
        return URI.create("ws://127.0.0.1:" + api.port() + "/api/v1/servers/" + server + "/ws");
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    String token(UUID server, Duration ttl, Permission... permissions) {
        return tokens.issue(server, Set.of(permissions), ttl).token();
    }

    /** Creates the test game server and starts it, waiting until it is running. */
    UUID runningServer(String name) {
        return runningServer(name, java.util.Map.of());
    }

    UUID runningServer(String name, java.util.Map<String, String> env) {
        UUID id = createServer(name, env);
        power(id, PowerAction.START);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        return id;
    }

    UUID createServer(String name) {
        return createServer(name, java.util.Map.of());
    }

    UUID createServer(String name, java.util.Map<String, String> env) {
        return createServer(dev.raptor.core.server.ServerSpec.builder(TestEngine.IMAGE).name(name), env);
    }

    /** Creates a server from {@code b} (the test image's stop command and ready line added) with {@code env}. */
    UUID createServer(dev.raptor.core.server.ServerSpec.Builder b, java.util.Map<String, String> env) {
        env.forEach(b::env);
        return fleet.create(b
                .stopPolicy(dev.raptor.core.power.StopPolicy.command("stop", Duration.ofSeconds(20)))
                .readyPattern("Done!")
                .build()).id();
    }

    PowerResult power(UUID id, PowerAction action) {
        try {
            PowerResult r = fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertThat(r).as(action + " of " + id).isInstanceOf(PowerResult.Done.class);
            return r;
        } catch (Exception e) {
            throw new AssertionError(action + " of " + id + " did not finish", e);
        }
    }

    @Override
    public void close() {
        try {
            FleetTeardown.deleteAll(fleet, HANG);
        } catch (Exception e) {
            // what did not go is removed below anyway
        }
        api.close();
        stats.close();
        volumes.close();
        consoles.close();
        fleet.close();
        bus.close();
        runtime.close();
        store.close();
        TestEngine.removeContainers(node);
    }
}
