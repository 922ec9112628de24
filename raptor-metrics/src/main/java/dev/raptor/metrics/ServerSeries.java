package dev.raptor.metrics;

import dev.raptor.core.console.ConsoleCounts;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryResult;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.stats.ServerStats;
import dev.raptor.core.stats.StatsHub;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every tracked server's series, written at scrape time from the fleet's view, the stats hub and what
 * {@link ServerMetrics} counts: one collector on the Prometheus registry instead of ~35 Micrometer meters per server.
 * Names, help texts and labels are the ones Micrometer gave those meters ({@code raptor.server.memory.usage} with
 * base unit bytes is {@code raptor_server_memory_usage_bytes}; a counter gains {@code _total} in the exposition;
 * labels {@code name} and {@code server}, plus {@code state}, {@code desired} or {@code version} where they apply).
 */
final class ServerSeries implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(ServerSeries.class);
    private static final double MIB = 1024.0 * 1024.0;

    private final Collection<ServerMetrics.Tracked> servers;
    private final ServerFleet fleet;
    private final StatsHub stats;
    private final ConsoleCounts consoles;

    /** @param servers the tracked servers, a live view; @param consoles null without consoles (no console series) */
    ServerSeries(Collection<ServerMetrics.Tracked> servers, ServerFleet fleet, StatsHub stats, ConsoleCounts consoles) {
        this.servers = servers;
        this.fleet = fleet;
        this.stats = stats;
        this.consoles = consoles;
    }

    /** One family's samples, collected server by server. */
    private static final class Family {
        final String name;
        final String help;
        final boolean counter;
        final List<Labels> labels = new ArrayList<>();
        final List<Double> values = new ArrayList<>();

        Family(String name, String help, boolean counter) {
            this.name = name;
            this.help = help;
            this.counter = counter;
        }

        void add(Labels l, double value) {
            labels.add(l);
            values.add(value);
        }

        MetricSnapshot snapshot() {
            if (counter) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
                }
                return b.build();
            }
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            for (int i = 0; i < labels.size(); i++) {
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
            }
            return b.build();
        }
    }

    private final class Scrape {
        final List<Family> all = new ArrayList<>();
        final Family state = gauge("raptor_server_state", "1 for the server's observed state");
        final Family desired = gauge("raptor_server_desired_state", "1 for the server's desired state");
        final Family uptime = gauge("raptor_server_uptime_seconds", "Time since the current run started; 0 while offline");
        final Family cpu = gauge("raptor_server_cpu_usage_cores", "CPU in use, in cores (1.5 = one and a half cores busy)");
        final Family memory = gauge("raptor_server_memory_usage_bytes", "Memory in use");
        final Family memoryLimit = gauge("raptor_server_memory_limit_bytes",
                "The memory limit (the machine's memory when the spec sets none)");
        final Family received = counter("raptor_server_network_received_bytes", "Network bytes received by the current run");
        final Family transmitted = counter("raptor_server_network_transmitted_bytes", "Network bytes sent by the current run");
        final Family disk = gauge("raptor_server_disk_usage_bytes", "Size of the server's data directory as last measured");
        final Family diskLimit = gauge("raptor_server_disk_limit_bytes",
                "The disk quota of the server's data directory; NaN when it has none");
        final Family processes = gauge("raptor_server_processes", "Processes and threads of the server");
        final Family crashes = counter("raptor_server_crashes", "Exits while the server was meant to run");
        final Family oomKills = counter("raptor_server_oom_kills", "Crashes the kernel's OOM killer caused");
        final Family restarts = counter("raptor_server_restarts", "Automatic restarts after a crash (the restart policy)");
        final Family lastBackupAge = gauge("raptor_server_last_backup_age_seconds",
                "Time since the server's last backup completed; NaN before its first");
        final Family consoleLines = counter("raptor_server_console_lines",
                "Console lines that reached the node while the console was watched");
        final Family consoleDropped = counter("raptor_server_console_dropped_lines",
                "Console lines subscribers lost to their bounded queues");
        final Family playersOnline = gauge("raptor_server_players_online",
                "Players online, as the game's query protocol last said; NaN before it answered");
        final Family playersMax = gauge("raptor_server_players_max", "Player slots, as the game's query protocol last said");
        final Family queryUp = gauge("raptor_server_game_query_up", "1 when the server answered its last status query");
        final Family gameInfo = gauge("raptor_server_game_info", "The game's version as the server names it (value 1)");

        private Family gauge(String name, String help) {
            Family f = new Family(name, help, false);
            all.add(f);
            return f;
        }

        private Family counter(String name, String help) {
            Family f = new Family(name, help, true);
            all.add(f);
            return f;
        }

        /** One server's samples; read first, then added, so that a failed read leaves none of them. */
        void add(ServerMetrics.Tracked t) {
            Instant now = Instant.now();
            Optional<ServerFleet.ServerSnapshot> found = fleet.find(t.id);
            ServerStats s = stats.latest(t.id);
            ServerState observed = found.map(ServerFleet.ServerSnapshot::state).orElse(null);
            DesiredState wanted = found.map(x -> x.live().desired()).orElse(null);
            double up = found.filter(x -> x.state() != ServerState.OFFLINE && x.live().startedAt() != null)
                    .map(x -> Math.max(0, Duration.between(x.live().startedAt(), now).toMillis() / 1000.0)).orElse(0.0);
            double memLimit = found.map(x -> x.stored().spec().limits().memoryMiB() * MIB).filter(v -> v > 0)
                    .orElse((double) s.memoryLimitBytes());
            double dLimit = found.map(x -> x.stored().spec().limits().diskMiB() * MIB).filter(v -> v > 0).orElse(Double.NaN);
            Instant backup = t.lastBackup.get();
            double backupAge = backup == null ? Double.NaN : Math.max(0, Duration.between(backup, now).toMillis() / 1000.0);
            double lines = consoles == null ? 0 : consoles.lines(t.id);
            double dropped = consoles == null ? 0 : consoles.dropped(t.id);
            QueryResult game = t.game.get();
            String version = t.gameVersion.get();

            Labels l = Labels.of("name", t.name, "server", t.id.toString());
            for (ServerState st : ServerState.values()) {
                state.add(l.add("state", st.wireName()), observed == st ? 1 : 0);
            }
            for (DesiredState d : DesiredState.values()) {
                desired.add(l.add("desired", d.wireName()), wanted == d ? 1 : 0);
            }
            uptime.add(l, up);
            cpu.add(l, s.cpuAbsolute() / 100.0);
            memory.add(l, s.memoryBytes());
            memoryLimit.add(l, memLimit);
            received.add(l, s.rxBytes());
            transmitted.add(l, s.txBytes());
            disk.add(l, s.diskBytes());
            diskLimit.add(l, dLimit);
            processes.add(l, s.pids());
            crashes.add(l, t.crashes.get());
            oomKills.add(l, t.oomKills.get());
            restarts.add(l, t.restarts.get());
            lastBackupAge.add(l, backupAge);
            if (consoles != null) {
                consoleLines.add(l, lines);
                consoleDropped.add(l, dropped);
            }
            if (game != null) { // from the first status query's result until the poller forgets the server
                GameStatus answer = game.lastAnswer().orElse(null);
                playersOnline.add(l, answer == null ? Double.NaN : answer.playersOnline());
                playersMax.add(l, answer == null || answer.playersMax() < 0 ? Double.NaN : answer.playersMax());
                queryUp.add(l, game instanceof QueryResult.Answered ? 1 : 0);
            }
            if (version != null) {
                gameInfo.add(l.add("version", version), 1);
            }
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> out = new ArrayList<>();
            for (Family f : all) {
                if (!f.labels.isEmpty()) {
                    out.add(f.snapshot());
                }
            }
            return new MetricSnapshots(out);
        }
    }

    @Override
    public MetricSnapshots collect() {
        Scrape scrape = new Scrape();
        for (ServerMetrics.Tracked t : servers) {
            try {
                scrape.add(t);
            } catch (RuntimeException e) {
                // one server's failed read must not cost the node its whole scrape
                log.debug("server={} no series this scrape: {}", t.id, e.toString());
            }
        }
        return scrape.snapshots();
    }
}
