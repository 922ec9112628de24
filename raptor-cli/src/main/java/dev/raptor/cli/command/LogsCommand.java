package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.JsonOutput;
import dev.raptor.wire.client.LogStream;
import dev.raptor.wire.client.ServerClient;
import dev.raptor.wire.console.LogLineDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
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
        ServerClient logs = cli.server(server);
        if (follow) {
            stream(cli, logs.followLogs(tail));
            return 0;
        }
        List<String> lines = logs.logs(tail).lines().stream().map(LogLineDocument::text).toList();
        if (json) {
            cli.printJson(lines);
            return 0;
        }
        lines.forEach(cli.out()::println);
        cli.out().flush();
        return 0;
    }

    private void stream(Cli cli, LogStream stream) {
        try (stream) {
            String line;
            while ((line = stream.readLine()) != null) {
                cli.out().println(json ? JsonOutput.compact(line) : line);
                cli.out().flush();
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "the log stream broke: " + e.getMessage(), e);
        }
    }
}
