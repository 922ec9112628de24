package dev.raptor.cli.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.DaemonErrors;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.JsonOutput;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.stats.StatsDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl stats [--no-stream] [SERVER...]}: resource usage. On a terminal a table redrawn in
 * place every second; piped, one table per second as plain lines; {@code --no-stream} prints one and exits.
 * Without SERVER: every server that is running (re-read each round, so new ones appear).
 */
@Command(name = "stats", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show live resource usage (a table refreshed every second; --no-stream: once).")
public final class StatsCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = "--no-stream", description = "Print one snapshot and exit.")
    boolean noStream;

    @Option(names = "--interval", paramLabel = "DURATION", converter = SpecOptions.DurationConverter.class,
            defaultValue = "1s", description = "Time between refreshes (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--json", description = "Print JSON: an array of {id, name, stats} (streaming: one array per line).")
    boolean json;

    @Parameters(arity = "0..*", paramLabel = "SERVER", description = "Server ids, id prefixes or names (default: all running).")
    List<String> servers = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        if (interval.isZero() || interval.isNegative()) {
            throw CliException.usage("--interval must be positive");
        }
        Cli cli = root.cli();
        List<ServerRef> fixed = servers.isEmpty() ? null : cli.resolver().resolveAll(servers);
        boolean redraw = cli.terminal().interactive() && !json;
        while (true) {
            long started = System.nanoTime();
            List<ServerRef> targets = fixed != null ? fixed : running(cli);
            List<Sample> samples = new ArrayList<>();
            for (ServerRef ref : targets) {
                samples.add(sample(cli, ref));
            }
            if (json) {
                List<Row> rows = samples.stream().map(Sample::row).toList();
                cli.out().println(noStream ? JsonOutput.pretty(rows) : JsonOutput.compact(rows));
            } else {
                String table = table(samples, cli);
                cli.out().print(redraw && !noStream ? cli.terminal().clearScreen() + table : table);
            }
            cli.out().flush();
            if (noStream) {
                return 0;
            }
            if (cli.out().checkError()) {
                return 0; // the reader went away (stats | head)
            }
            long left = interval.toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                Thread.sleep(Duration.ofNanos(left));
            }
        }
    }

    private static List<ServerRef> running(Cli cli) {
        List<ServerRef> out = new ArrayList<>();
        for (ServerDocument s : cli.client().servers().list().servers()) {
            if (ServerDocs.isActive(s)) {
                out.add(new ServerRef(ServerDocs.id(s), ServerDocs.name(s), s));
            }
        }
        return out;
    }

    private static Sample sample(Cli cli, ServerRef ref) {
        try {
            return new Sample(ref, cli.client().server(ref.id()).stats(), null);
        } catch (RaptorException e) {
            CliException c = DaemonErrors.of(e);
            if (c.exitCode() == ExitCode.UNREACHABLE) {
                throw c;
            }
            return new Sample(ref, null, c.getMessage()); // gone or stopped since the list: a row, not a failure
        }
    }

    static String table(List<Sample> samples, Cli cli) {
        Table t = new Table("ID", "NAME", "STATE", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "PIDS", "UPTIME")
                .styleColumn(2, cli.terminal()::forState);
        for (Sample s : samples) {
            StatsDocument n = s.stats();
            if (n == null) {
                t.row(ServerDocs.shortId(s.ref().id()), s.ref().name(), ServerDocs.state(s.ref().document()), "-", "-", "-", "-", "-", "-");
                continue;
            }
            String state = n.state() != null ? n.state() : ServerDocs.state(s.ref().document());
            long mem = n.memoryBytes();
            long limit = n.memoryLimitBytes();
            long rx = n.network() == null ? 0 : n.network().rxBytes();
            long tx = n.network() == null ? 0 : n.network().txBytes();
            t.row(ServerDocs.shortId(s.ref().id()), s.ref().name(), state, Human.percent(n.cpuAbsolute()),
                    Human.bytes(mem) + " / " + (limit > 0 ? Human.bytes(limit) : "unlimited"),
                    limit > 0 ? Human.percent(100.0 * mem / limit) : "-",
                    Human.bytes(rx) + " / " + Human.bytes(tx),
                    Long.toString(n.pids()), Human.compactDuration(Duration.ofSeconds(n.uptimeSeconds())));
        }
        return t.render();
    }

    /** One server's reading, or why there is none. */
    record Sample(ServerRef ref, StatsDocument stats, String error) {
        Row row() {
            return new Row(ref.id(), ref.name(), stats == null ? java.util.Map.of() : stats, error);
        }
    }

    /** A sample as {@code --json} prints it: {@code {id, name, stats, error}}, {@code stats} empty when there is none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Row(String id, String name, Object stats, String error) {
    }
}
