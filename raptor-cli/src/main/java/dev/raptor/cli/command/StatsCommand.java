package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.Json;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
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
                ArrayNode arr = Json.array();
                samples.forEach(s -> arr.add(s.toJson()));
                cli.out().println(noStream ? Json.pretty(arr) : Json.compact(arr));
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
        for (JsonNode s : cli.api().listServers()) {
            if (ServerDocs.isActive(s)) {
                out.add(new ServerRef(ServerDocs.id(s), ServerDocs.name(s), s));
            }
        }
        return out;
    }

    private static Sample sample(Cli cli, ServerRef ref) {
        try {
            return new Sample(ref, cli.api().stats(ref.id()), null);
        } catch (CliException e) {
            if (e.exitCode() == ExitCode.UNREACHABLE) {
                throw e;
            }
            return new Sample(ref, Json.object(), e.getMessage()); // gone or stopped since the list: a row, not a failure
        }
    }

    static String table(List<Sample> samples, Cli cli) {
        Table t = new Table("ID", "NAME", "STATE", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "PIDS", "UPTIME")
                .styleColumn(2, cli.terminal()::forState);
        for (Sample s : samples) {
            JsonNode n = s.stats();
            String state = first(n, "state").isTextual() ? first(n, "state").asText() : ServerDocs.state(s.ref().document());
            double cpu = first(n, "cpu_absolute", "cpuAbsolute", "cpuPercent", "cpu").asDouble(0);
            long mem = first(n, "memory_bytes", "memoryBytes", "memory.usageBytes", "memory").asLong(0);
            long limit = first(n, "memory_limit_bytes", "memoryLimitBytes", "memory.limitBytes").asLong(0);
            long rx = first(n, "network.rx_bytes", "network.rxBytes", "rxBytes", "rx_bytes").asLong(0);
            long tx = first(n, "network.tx_bytes", "network.txBytes", "txBytes", "tx_bytes").asLong(0);
            JsonNode pids = first(n, "pids");
            String uptime = uptime(n);
            if (s.error() != null) {
                t.row(ServerDocs.shortId(s.ref().id()), s.ref().name(), state, "-", "-", "-", "-", "-", "-");
                continue;
            }
            t.row(ServerDocs.shortId(s.ref().id()), s.ref().name(), state, Human.percent(cpu),
                    Human.bytes(mem) + " / " + (limit > 0 ? Human.bytes(limit) : "unlimited"),
                    limit > 0 ? Human.percent(100.0 * mem / limit) : "-",
                    Human.bytes(rx) + " / " + Human.bytes(tx),
                    pids.isNumber() ? pids.asText() : "-", uptime);
        }
        return t.render();
    }

    /** Uptime as the daemon sends it: {@code uptimeSeconds}, {@code uptimeMillis}, or Wings' {@code uptime} in milliseconds. */
    private static String uptime(JsonNode n) {
        JsonNode s = first(n, "uptimeSeconds", "uptime_seconds");
        if (s.isNumber()) {
            return Human.compactDuration(Duration.ofMillis((long) (s.asDouble() * 1000)));
        }
        JsonNode ms = first(n, "uptimeMillis", "uptime_ms", "uptime");
        if (ms.isNumber()) {
            return Human.compactDuration(Duration.ofMillis(ms.asLong()));
        }
        return ms.isTextual() ? ms.asText() : "-";
    }

    /** The first of the (dotted) paths that is present. */
    static JsonNode first(JsonNode n, String... paths) {
        for (String p : paths) {
            JsonNode v = Json.at(n, p.split("\\."));
            if (!v.isMissingNode() && !v.isNull()) {
                return v;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    record Sample(ServerRef ref, JsonNode stats, String error) {
        ObjectNode toJson() {
            ObjectNode o = Json.object().put("id", ref.id()).put("name", ref.name());
            o.set("stats", stats);
            if (error != null) {
                o.put("error", error);
            }
            return o;
        }
    }
}
