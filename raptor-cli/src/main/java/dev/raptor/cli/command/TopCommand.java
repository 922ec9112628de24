package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
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

    /** One server's row: its document and, while it runs, one stats reading. */
    record Row(JsonNode server, JsonNode stats) {
        String state() {
            JsonNode s = StatsCommand.first(stats, "state");
            return s.isTextual() ? s.asText() : ServerDocs.state(server);
        }

        double cpu() {
            return StatsCommand.first(stats, "cpuAbsolute", "cpu_absolute").asDouble(0);
        }

        long memory() {
            return StatsCommand.first(stats, "memoryBytes", "memory_bytes").asLong(0);
        }

        long limit() {
            return StatsCommand.first(stats, "memoryLimitBytes", "memory_limit_bytes").asLong(0);
        }

        /** Players online and slots from the server document's game status; null when it is not queried or never answered. */
        long[] players() {
            JsonNode online = StatsCommand.first(server, "game.playersOnline");
            if (!online.isNumber()) {
                return null;
            }
            return new long[]{online.asLong(), StatsCommand.first(server, "game.playersMax").asLong(-1)};
        }
    }

    private static List<Row> rows(Cli cli) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode s : cli.api().listServers()) {
            JsonNode stats = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            if (ServerDocs.isActive(s)) {
                try {
                    stats = cli.api().stats(ServerDocs.id(s));
                } catch (CliException e) {
                    if (e.exitCode() == ExitCode.UNREACHABLE) {
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
            boolean sampled = !r.stats().isMissingNode() && ServerDocs.isActive(r.server());
            long[] p = r.players();
            String playerText = p == null ? "-" : p[0] + (p[1] >= 0 ? "/" + p[1] : "");
            JsonNode rx = StatsCommand.first(r.stats(), "network.rxBytes", "rxBytes");
            JsonNode tx = StatsCommand.first(r.stats(), "network.txBytes", "txBytes");
            JsonNode up = StatsCommand.first(r.stats(), "uptimeSeconds");
            t.row(ServerDocs.name(r.server()), r.state(),
                    sampled ? Human.percent(r.cpu()) : "-",
                    sampled ? Human.bytes(r.memory()) + " / " + (r.limit() > 0 ? Human.bytes(r.limit()) : "unlimited") : "-",
                    sampled ? Human.bytes(rx.asLong(0)) + " / " + Human.bytes(tx.asLong(0)) : "-",
                    playerText,
                    sampled && up.isNumber() ? Human.compactDuration(Duration.ofSeconds(up.asLong())) : "-",
                    ServerDocs.shortId(ServerDocs.id(r.server())));
        }
        return summary + t.render();
    }
}
