package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl rm [-f] SERVER...}: delete servers and their data. A running server is stopped
 * first by its stop policy; {@code -f} kills it instead.
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Delete servers and their data (a running one is stopped first; -f kills it).")
public final class RmCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-f", "--force"}, description = "Kill a running server instead of stopping it.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Server ids, id prefixes or names.")
    List<String> servers;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        return PowerCommand.forEach(cli, servers, ref -> PowerCommand.outcome(cli, ref, "delete", cli.client().server(ref.id()).delete(force), true));
    }
}
