package dev.raptor.metrics;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.core.stats.StatsSettings;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.query.GameStatusPoller;
import dev.raptor.query.PollerSettings;
import dev.raptor.query.QueryTarget;
import dev.raptor.query.testing.MinecraftResponder;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The metrics of a real node: SQLite store, the test Docker Engine, the fleet and the stats hub, each
 * measured through its decorator, and a Minecraft status responder standing in for the game's query
 * port. What an operator's Prometheus would read is read from the registry's own text exposition.
 */
class MetricsEngineTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String IMAGE = "raptor-test/gameserver:1";

    @TempDir
    Path tmp;
    final String node = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    RaptorMetrics metrics;
    SqliteStore sqlite;
    DockerRuntime docker;
    EventBus bus;
    ServerFleet fleet;
    StatsHub stats;
    ConsoleHub consoles;
    MinecraftResponder minecraft;
    GameStatusPoller poller;
    NodeMetrics nodeMetrics;
    ServerMetrics serverMetrics;

    static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            fail("DOCKER_HOST is not set: these tests need the real Docker Engine. Run `scripts/engine.sh start` and "
                    + "`eval \"$(scripts/engine.sh env)\"`, then the tests again.");
        }
        return host;
    }

    @BeforeEach
    void node() throws Exception {
        metrics = RaptorMetrics.create();
        sqlite = SqliteStore.open(tmp.resolve("data"));
        docker = DockerRuntime.connect(DockerRuntimeConfig.of(dockerHost()).withNode(node));
        bus = new EventBus();
        Path volumes = tmp.resolve("volumes");
        fleet = new ServerFleet(new MeteredStore(sqlite, metrics.registry()), new MeteredRuntime(docker, metrics.registry()), bus,
                ControllerSettings.defaults(volumes));
        fleet.boot();
        serverVolumes = new dev.raptor.files.ServerVolumes(volumes, dev.raptor.files.usage.UsageSettings.defaults());
        stats = new StatsHub(fleet.runtime(), ServerRuns.of(fleet), bus, serverVolumes.diskUsage(),
                StatsSettings.defaults().withSampleEvery(Duration.ofMillis(500)));
        minecraft = MinecraftResponder.modern(7, 20, "1.21.4", "\"metrics\"");
        // every running server "answers" on the responder: the test image speaks no game protocol
        poller = new GameStatusPoller(() -> fleet.list().stream().filter(s -> s.state() == ServerState.RUNNING)
                .map(s -> QueryTarget.of(s.id(), "127.0.0.1", minecraft.port(), GameQuery.minecraft())).toList(),
                new PollerSettings(Duration.ofMillis(200), Duration.ofSeconds(5), 4));
        nodeMetrics = new NodeMetrics(metrics.registry(), fleet, bus);
        consoles = new ConsoleHub(fleet.runtime(), ServerRuns.of(fleet), bus, ConsoleSettings.defaults());
        serverMetrics = new ServerMetrics(metrics.registry(), fleet, bus, stats, consoles.counts(), poller, Duration.ofSeconds(1)).start();
        poller.start();
    }

    private dev.raptor.files.ServerVolumes serverVolumes;

    @AfterEach
    void close() throws Exception {
        if (serverVolumes != null) {
            serverVolumes.close();
        }
        poller.close();
        serverMetrics.close();
        nodeMetrics.close();
        consoles.close();
        stats.close();
        fleet.close();
        for (ContainerInfo c : docker.listOwned(Deadline.in(Duration.ofSeconds(60)))) {
            try {
                docker.remove(c.ref(), Deadline.in(Duration.ofSeconds(60)));
            } catch (EngineException e) {
                // gone already
            }
        }
        docker.close();
        bus.close();
        sqlite.close();
        minecraft.close();
        metrics.close();
    }

    private ScrapedText scrape() {
        return new ScrapedText(metrics.scrape("text/plain").body());
    }

    private UUID createAndStart(String name) throws Exception {
        ServerSpec spec = ServerSpec.builder(IMAGE).name(name)
                .allocation(Allocation.primary("127.0.0.1", freePort(), Protocol.TCP))
                .limits(Limits.unlimited().withMemoryMiB(256))
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(20)))
                .readyPattern("Done!")
                .build();
        fleet.create(spec);
        PowerResult r = fleet.power(spec.id(), PowerAction.START).get(90, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(PowerResult.Done.class);
        return spec.id();
    }

    @Test
    void aRunningServersMemoryStateAndPlayersAreSeriesAndItsStartIsInThePowerHistogram() throws Exception {
        UUID id = createAndStart("metered");
        Map<String, String> server = Map.of("server", id.toString(), "name", "metered");

        await().atMost(WAIT).until(() -> scrape().value("raptor_server_memory_usage_bytes", server).orElse(0) > 0);
        ScrapedText s = scrape();
        assertThat(s.value("raptor_server_memory_limit_bytes", server)).hasValue(256.0 * 1024 * 1024);
        assertThat(s.value("raptor_server_state", Map.of("server", id.toString(), "state", "running"))).hasValue(1);
        assertThat(s.value("raptor_server_state", Map.of("server", id.toString(), "state", "offline"))).hasValue(0);
        assertThat(s.value("raptor_server_desired_state", Map.of("server", id.toString(), "desired", "running"))).hasValue(1);
        assertThat(s.value("raptor_servers", Map.of("state", "running"))).hasValue(1);
        assertThat(s.value("raptor_power_action_seconds_count", Map.of("action", "start", "outcome", "done"))).hasValue(1);
        assertThat(s.samples("raptor_power_action_seconds_bucket")).anyMatch(l -> l.contains("le=\"+Inf\"") && l.endsWith(" 1"));
        assertThat(s.value("raptor_engine_call_seconds_count", Map.of("call", "create", "outcome", "ok"))).hasValue(1);
        assertThat(s.value("raptor_engine_call_seconds_count", Map.of("call", "start", "outcome", "ok"))).hasValue(1);
        assertThat(s.value("raptor_store_write_seconds_count", Map.of("operation", "desired_state", "outcome", "ok")).orElse(0))
                .isGreaterThanOrEqualTo(1);

        try (var watching = consoles.subscribe(id, batch -> {
        })) {
            fleet.sendCommand(id, "say counted");
            await().atMost(WAIT).until(() -> scrape().value("raptor_server_console_lines_total", server).orElse(0) >= 1);
        }
        await().atMost(WAIT).until(() -> scrape().value("raptor_server_players_online", server).orElse(Double.NaN) == 7);
        assertThat(scrape().value("raptor_server_players_max", server)).hasValue(20);
        assertThat(scrape().value("raptor_server_game_info", Map.of("server", id.toString(), "version", "1.21.4"))).hasValue(1);
        assertThat(scrape().value("raptor_server_uptime_seconds", server).orElseThrow()).isGreaterThanOrEqualTo(0);
        ScrapedText all = scrape();
        for (String name : List.of("raptor_server_state", "raptor_server_desired_state", "raptor_server_uptime_seconds",
                "raptor_server_cpu_usage_cores", "raptor_server_memory_usage_bytes", "raptor_server_memory_limit_bytes",
                "raptor_server_network_received_bytes_total", "raptor_server_network_transmitted_bytes_total",
                "raptor_server_disk_usage_bytes", "raptor_server_disk_limit_bytes", "raptor_server_processes",
                "raptor_server_restarts_total", "raptor_server_crashes_total", "raptor_server_oom_kills_total",
                "raptor_server_console_lines_total", "raptor_server_console_dropped_lines_total",
                "raptor_server_players_online", "raptor_server_players_max", "raptor_server_game_query_up", "raptor_server_game_info")) {
            assertThat(all.samples(name)).as("README-metrics.md promises %s for each server", name)
                    .anyMatch(l -> l.contains("server=\"" + id + "\""));
        }
        for (String name : List.of("raptor_servers", "raptor_servers_desired", "raptor_servers_crash_looping",
                "raptor_power_action_seconds_bucket", "raptor_engine_call_seconds_bucket", "raptor_store_write_seconds_bucket",
                "jvm_memory_used_bytes", "process_cpu_usage", "process_files_open_files", "jvm_threads_live_threads")) {
            assertThat(all.samples(name)).as("README-metrics.md promises %s", name).isNotEmpty();
        }
    }

    @Test
    void anUnwatchedRunningServersFiguresAreRealAndMoveWithNoStatsStreamOpen() throws Exception {
        int engineStreams = docker.openStreams(); // the fleet's event stream
        UUID id = createAndStart("unwatched");
        Map<String, String> server = Map.of("server", id.toString(), "name", "unwatched");

        await().atMost(WAIT).until(() -> scrape().value("raptor_server_memory_usage_bytes", server).orElse(0) > 0);
        assertThat(stats.watchedServers()).as("nobody watches it").isZero();
        assertThat(stats.openEngineStreams()).as("metrics hold no stats stream").isZero();
        assertThat(docker.openStreams()).as("no stream per running server in the engine runtime").isEqualTo(engineStreams);
        long reads = stats.backgroundReads();
        assertThat(reads).isPositive();
        double processes = scrape().value("raptor_server_processes", server).orElseThrow();
        assertThat(processes).isPositive();

        // busy: its CPU (from two one-shot readings) rises above 0, and its memory reading changes between readings
        fleet.sendCommand(id, "flood 400000");
        java.util.Set<Double> memories = java.util.concurrent.ConcurrentHashMap.newKeySet();
        await().atMost(WAIT).until(() -> {
            memories.add(scrape().value("raptor_server_memory_usage_bytes", server).orElse(0));
            return memories.size() >= 2 && scrape().value("raptor_server_cpu_usage_cores", server).orElse(0) > 0;
        });
        assertThat(memories).allMatch(m -> m > 0);
        assertThat(stats.backgroundReads()).isGreaterThan(reads);
        assertThat(stats.openEngineStreams()).isZero();
    }

    @Test
    void aDeletedServerLeavesNoSeriesBehind() throws Exception {
        UUID id = createAndStart("short-lived");
        await().atMost(WAIT).until(() -> scrape().value("raptor_server_players_online", Map.of("server", id.toString()))
                .orElse(Double.NaN) == 7);
        assertThat(scrape().linesWith(id.toString())).hasSizeGreaterThan(15);

        assertThat(fleet.delete(id, true).get(90, TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);

        await().atMost(WAIT).until(() -> scrape().linesWith(id.toString()).isEmpty());
        assertThat(serverMetrics.tracked()).doesNotContain(id);
        assertThat(stats.subscriberCount(id)).as("the metrics hold no stats subscription").isZero();
        assertThat(stats.backgroundServers()).as("the metrics' background reading of it is released").isZero();
        assertThat(scrape().value("raptor_power_action_seconds_count", Map.of("action", "delete", "outcome", "done"))).hasValue(1);
    }

    @Test
    void aRenamedServerKeepsOneSetOfSeriesUnderItsNewName() throws Exception {
        ServerSpec spec = ServerSpec.builder(IMAGE).name("before").build();
        fleet.create(spec);
        await().atMost(WAIT).until(() -> !scrape().samples("raptor_server_crashes_total").isEmpty()
                && scrape().value("raptor_server_crashes_total", Map.of("name", "before")).isPresent());

        fleet.update(spec.id(), 1, ServerSpec.builder(IMAGE).id(spec.id()).name("after").build());

        await().atMost(WAIT).until(() -> scrape().value("raptor_server_crashes_total", Map.of("name", "after")).isPresent());
        assertThat(scrape().linesWith("name=\"before\"")).isEmpty();
        assertThat(scrape().samples("raptor_server_crashes_total")).hasSize(1);
    }

    @Test
    void scrapersThatAskForOpenMetricsGetIt() {
        Exposition open = metrics.scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertThat(open.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(open.body().strip()).endsWith("# EOF");

        Exposition text = metrics.scrape("text/plain;version=0.0.4");
        assertThat(text.contentType()).isEqualTo(Exposition.PROMETHEUS_TEXT);
        assertThat(text.body()).doesNotContain("# EOF").contains("jvm_memory_used_bytes");
    }

    @Test
    void anEngineThatDoesNotAnswerIsCountedByOutcome() {
        try (MeteredRuntime dead = new MeteredRuntime(DockerRuntime.connect(DockerRuntimeConfig.of("unix://" + tmp.resolve("no-engine.sock"))),
                metrics.registry())) {
            assertThatThrownBy(() -> dead.info(Deadline.in(Duration.ofSeconds(10)))).isInstanceOf(EngineException.class);
        }
        assertThat(scrape().samples("raptor_engine_call_seconds_count")).anyMatch(l -> l.contains("call=\"info\"")
                && (l.contains("outcome=\"unavailable\"") || l.contains("outcome=\"timeout\"")));
    }

    @Test
    void aScrapeOfManyServersHasEverySeriesOfEachWithNoMeterRegisteredPerServer() throws Exception {
        int meters = metrics.registry().getMeters().size();
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ServerSpec spec = ServerSpec.builder(IMAGE).name("many-" + i)
                    .allocation(Allocation.primary("127.0.0.1", freePort(), Protocol.TCP))
                    .limits(Limits.unlimited().withDiskMiB(512))
                    .build();
            fleet.create(spec);
            ids.add(spec.id());
        }
        await().atMost(WAIT).until(() -> serverMetrics.tracked().containsAll(ids));

        ScrapedText s = scrape();
        List<String> perServer = List.of("raptor_server_uptime_seconds", "raptor_server_cpu_usage_cores",
                "raptor_server_memory_usage_bytes", "raptor_server_memory_limit_bytes", "raptor_server_network_received_bytes_total",
                "raptor_server_network_transmitted_bytes_total", "raptor_server_disk_usage_bytes", "raptor_server_disk_limit_bytes",
                "raptor_server_processes", "raptor_server_restarts_total", "raptor_server_crashes_total", "raptor_server_oom_kills_total",
                "raptor_server_last_backup_age_seconds", "raptor_server_console_lines_total", "raptor_server_console_dropped_lines_total");
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> server = Map.of("server", ids.get(i).toString(), "name", "many-" + i);
            String labels = "{name=\"many-" + i + "\",server=\"" + ids.get(i) + "\"}";
            for (String name : perServer) {
                assertThat(s.samples(name)).as("%s of %s", name, server).filteredOn(l -> l.startsWith(name + labels + " ")).hasSize(1);
            }
            assertThat(s.value("raptor_server_state", Map.of("server", ids.get(i).toString(), "state", "offline"))).hasValue(1);
            assertThat(s.value("raptor_server_state", Map.of("server", ids.get(i).toString(), "state", "running"))).hasValue(0);
            assertThat(s.value("raptor_server_desired_state", Map.of("server", ids.get(i).toString(), "desired", "stopped"))).hasValue(1);
            assertThat(s.value("raptor_server_disk_limit_bytes", server)).hasValue(512.0 * 1024 * 1024);
            assertThat(s.value("raptor_server_last_backup_age_seconds", server).orElseThrow()).isNaN();
        }
        assertThat(s.samples("raptor_server_state")).hasSize(ids.size() * dev.raptor.core.server.ServerState.values().length);
        assertThat(s.body()).as("help and type as Micrometer wrote them")
                .contains("# HELP raptor_server_memory_usage_bytes Memory in use\n# TYPE raptor_server_memory_usage_bytes gauge\n")
                .contains("# HELP raptor_server_crashes_total Exits while the server was meant to run\n"
                        + "# TYPE raptor_server_crashes_total counter\n");
        // the series are written at scrape time: the meters added are the store's and engine's timers of the create
        // calls (one per new tag set), never ~35 per server
        assertThat(metrics.registry().getMeters().size() - meters).as("meters added for %d servers", ids.size())
                .isLessThan(ids.size());
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port never handed out before in this JVM ({@code new ServerSocket(0)} can give the same one twice in a row). */
    private static int freePort() throws Exception {
        while (true) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}
