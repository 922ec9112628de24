package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.DaemonErrors;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.game.GameStatusDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.stats.StatsDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl top}: the whole fleet at a glance, refreshed in place on a terminal: a summary line
 * (servers by state, CPU, memory, players), then one row per server, busiest first: state, CPU,
 * memory, network, players (for servers whose spec names a query protocol) and uptime. Piped, each
 * refresh is printed after the last; {@code -n} stops after that many.
 */
@Command(name = "top", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show a live fleet view: every server's state, CPU, memory, network and players, busiest first.")
public final class TopCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = "--interval", paramLabel = "DURATION", converter = SpecOptions.DurationConverter.class,
            defaultValue = "2s", description = "Time between refreshes (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "0",
            description = "Stop after N refreshes (default: until interrupted).")
    int iterations;

    @Override
    public Integer call() throws InterruptedException {
        if (interval.isZero() || interval.isNegative()) {
            throw CliException.usage("--interval must be positive");
        }
        if (iterations < 0) {
            throw CliException.usage("--iterations must be 0 (forever) or more");
        }
        Cli cli = root.cli();
        boolean redraw = cli.terminal().interactive();
        for (int round = 1; iterations == 0 || round <= iterations; round++) {
            long started = System.nanoTime();
            String frame = frame(cli, rows(cli));
            cli.out().print(redraw ? cli.terminal().clearScreen() + frame : frame);
            cli.out().flush();
            if (cli.out().checkError()) {
                return 0; // the reader went away (top | head)
            }
            if (iterations != 0 && round == iterations) {
                break;
            }
            long left = interval.toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                Thread.sleep(Duration.ofNanos(left));
            }
        }
        return 0;
    }

    /** One server's row: its document and, while it runs, one stats reading (null otherwise). */
    record Row(ServerDocument server, StatsDocument stats) {
        String state() {
            return stats != null && stats.state() != null ? stats.state() : ServerDocs.state(server);
        }

        double cpu() {
            return stats == null ? 0 : stats.cpuAbsolute();
        }

        long memory() {
            return stats == null ? 0 : stats.memoryBytes();
        }

        long limit() {
            return stats == null ? 0 : stats.memoryLimitBytes();
        }

        /** Players online and slots from the server document's game status; null when it is not queried or never answered. */
        long[] players() {
            GameStatusDocument game = server.game();
            if (game == null || game.playersOnline() == null) {
                return null;
            }
            return new long[]{game.playersOnline(), game.playersMax() == null ? -1 : game.playersMax()};
        }
    }

    private static List<Row> rows(Cli cli) {
        List<Row> rows = new ArrayList<>();
        for (ServerDocument s : cli.client().servers().list().servers()) {
            StatsDocument stats = null;
            if (ServerDocs.isActive(s)) {
                try {
                    stats = cli.client().server(ServerDocs.id(s)).stats();
                } catch (RaptorException e) {
                    if (DaemonErrors.of(e).exitCode() == ExitCode.UNREACHABLE) {
                        throw e;
                    }
                    // stopped or deleted since the list: its row shows the list's state
                }
            }
            rows.add(new Row(s, stats));
        }
        rows.sort(Comparator.comparing((Row r) -> !ServerDocs.isActive(r.server())).thenComparing(Comparator.comparingDouble(Row::cpu).reversed())
                .thenComparing(r -> ServerDocs.name(r.server())));
        return rows;
    }

    static String frame(Cli cli, List<Row> rows) {
        int active = 0;
        double cpu = 0;
        long memory = 0;
        long players = 0;
        for (Row r : rows) {
            if (ServerDocs.isActive(r.server())) {
                active++;
            }
            cpu += r.cpu();
            memory += r.memory();
            long[] p = r.players();
            players += p == null ? 0 : p[0];
        }
        String summary = rows.size() + (rows.size() == 1 ? " server" : " servers") + ", " + active + " running; CPU "
                + Human.percent(cpu) + ", memory " + Human.bytes(memory) + ", players " + players + "\n";
        Table t = new Table("NAME", "STATE", "CPU %", "MEM USAGE / LIMIT", "NET I/O", "PLAYERS", "UPTIME", "ID")
                .styleColumn(1, cli.terminal()::forState);
        for (Row r : rows) {
            StatsDocument n = r.stats();
            boolean sampled = n != null && ServerDocs.isActive(r.server());
            long[] p = r.players();
            String playerText = p == null ? "-" : p[0] + (p[1] >= 0 ? "/" + p[1] : "");
            long rx = sampled && n.network() != null ? n.network().rxBytes() : 0;
            long tx = sampled && n.network() != null ? n.network().txBytes() : 0;
            t.row(ServerDocs.name(r.server()), r.state(),
                    sampled ? Human.percent(r.cpu()) : "-",
                    sampled ? Human.bytes(r.memory()) + " / " + (r.limit() > 0 ? Human.bytes(r.limit()) : "unlimited") : "-",
                    sampled ? Human.bytes(rx) + " / " + Human.bytes(tx) : "-",
                    playerText,
                    sampled ? Human.compactDuration(Duration.ofSeconds(n.uptimeSeconds())) : "-",
                    ServerDocs.shortId(ServerDocs.id(r.server())));
        }
        return summary + t.render();
    }
}
