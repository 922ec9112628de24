package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code raptorctl inspect SERVER}: the server document, as JSON. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a server's document as JSON.")
public final class InspectCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = "--json", description = "Accepted for symmetry: inspect always prints JSON.")
    boolean json;

    @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        cli.printJson(cli.server(server).get());
        return 0;
    }
}
