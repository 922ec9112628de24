package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.Json;
import dev.raptor.cli.transport.DaemonResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code raptorctl logs [-f] [--tail N] SERVER}: the console's recent lines, and with -f what follows. */
@Command(name = "logs", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print a server's recent console output (-f: keep following it).")
public final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the server stops or Ctrl-C.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N lines (default: all the daemon keeps).")
    Integer tail;

    @Option(names = "--json", description = "Print a JSON array of lines (with -f: one JSON string per line).")
    boolean json;

    @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Override
    public Integer call() {
        if (tail != null && tail < 0) {
            throw CliException.usage("--tail must be 0 or more");
        }
        Cli cli = root.cli();
        String id = cli.resolver().resolve(server).id();
        DaemonResponse response = cli.api().logs(id, tail, follow);
        if (follow) {
            stream(cli, response);
            return 0;
        }
        List<String> lines = lines(response);
        if (json) {
            ArrayNode arr = Json.array();
            lines.forEach(arr::add);
            cli.out().println(Json.pretty(arr));
        } else {
            lines.forEach(cli.out()::println);
        }
        cli.out().flush();
        return 0;
    }

    private void stream(Cli cli, DaemonResponse response) {
        boolean jsonLines = response.contentType().contains("json");
        try (response; BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String text = jsonLines ? ConsoleSession.LogLines.text(line) : line;
                cli.out().println(json ? Json.MAPPER.getNodeFactory().textNode(text).toString() : text);
                cli.out().flush();
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "the log stream broke: " + e.getMessage(), e);
        }
    }

    /** The lines of a non-followed answer: a JSON array (of strings or entries), an object holding one, or text. */
    static List<String> lines(DaemonResponse response) {
        String ct = response.contentType();
        String body = response.bodyText();
        List<String> out = new ArrayList<>();
        if (ct.contains("json")) {
            JsonNode n = Json.parse(body);
            JsonNode arr = n.isArray() ? n : n.path("lines").isArray() ? n.get("lines")
                    : n.path("logs").isArray() ? n.get("logs") : n.path("data").isArray() ? n.get("data") : null;
            if (arr == null) {
                throw new CliException(ExitCode.FAILURE, "the daemon's log answer holds no list of lines");
            }
            arr.forEach(e -> out.add(ConsoleSession.LogLines.entryText(e)));
            return out;
        }
        if (body.isEmpty()) {
            return out;
        }
        String[] split = body.split("\r?\n", -1);
        int n = split.length;
        if (split[n - 1].isEmpty()) {
            n--;
        }
        for (int i = 0; i < n; i++) {
            out.add(split[i]);
        }
        return out;
    }
}
