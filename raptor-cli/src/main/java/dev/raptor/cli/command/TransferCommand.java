package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.DaemonErrors;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.TransferRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code transfer SERVER NODE}: moves a server with its files to another node of the swarm, waiting for the outcome
 * like a power action (prints the server as given when it is done).
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = {"Move a server, with its files, to another node (the swarm runtime).",
                "The server is stopped if it runs, its files are copied to NODE and checked there by SHA-256, it is pinned to "
                        + "NODE and started there if it ran; its copy on the old node is removed only then. A failure leaves it "
                        + "on its old node with its files, started again if it ran. `raptorctl nodes` lists the nodes."},
        footer = {"", "Example:", "  raptorctl transfer lobby worker-2"})
public final class TransferCommand implements Callable<Integer> {
    @ParentCommand
    RaptorCtl root;

    @Option(names = "--no-wait", description = "Return once the daemon has accepted the transfer, without waiting for its outcome.")
    boolean noWait;

    @Parameters(index = "0", paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Parameters(index = "1", paramLabel = "NODE", description = "The node to move it to, as `raptorctl nodes` names it.")
    String node;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        try {
            ServerRef ref = cli.resolver().resolve(server);
            OperationDocument op = cli.client().server(ref.id()).transfer(new TransferRequest(node, noWait ? false : null, null));
            PowerCommand.outcome(cli, ref, "transfer", op, !noWait);
        } catch (RaptorException e) {
            throw DaemonErrors.of(e);
        }
        cli.out().println(server);
        cli.out().flush();
        return dev.raptor.cli.ExitCode.OK;
    }
}
