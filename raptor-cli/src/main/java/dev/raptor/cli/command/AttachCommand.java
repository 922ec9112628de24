package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code raptorctl attach SERVER}: a live console; Ctrl-C or end of input detaches, the server keeps running. */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Attach to a server's console: its output streams, typed lines are sent as commands.",
                "Ctrl-C or end of input (Ctrl-D) detaches; the server keeps running."})
public final class AttachCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "0",
            description = "Show the last N lines first (default: ${DEFAULT-VALUE}).")
    int tail;

    @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        ServerRef ref = cli.resolver().resolve(server);
        String state = ServerDocs.state(cli.client().server(ref.id()).get());
        if (state.equals("offline")) {
            throw new CliException(ExitCode.CONFLICT, "server " + ref.label() + " is offline: start it first (raptorctl start " + server + ")");
        }
        return new ConsoleSession(cli, ref).run(tail, null);
    }
}
