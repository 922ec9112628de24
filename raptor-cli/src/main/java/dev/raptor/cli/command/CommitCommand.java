package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.wire.image.CommitRequestDocument;
import dev.raptor.wire.operation.OperationDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code raptorctl commit SERVER REPOSITORY[:TAG]}: an image of the server's container, its files included. */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Make an image of a server's container, its files included; the server keeps running.",
                "A server created from the image starts with those files: raptorctl commit lobby backups/lobby:before-update"})
public final class CommitCommand implements Callable<Integer> {
    @ParentCommand
    RaptorCtl root;

    @Parameters(index = "0", paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Parameters(index = "1", paramLabel = "REPOSITORY[:TAG]", description = "The image's name (tag default latest).")
    String reference;

    @Option(names = {"-m", "--message"}, description = "The commit message the image records.")
    String message;

    @Option(names = {"-p", "--pause"}, description = "Freeze the server while it is copied (consistent files; it stops answering meanwhile).")
    boolean pause;

    @Option(names = "--json", description = "Print the finished operation as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        String repository = colon > slash ? reference.substring(0, colon) : reference;
        String tag = colon > slash ? reference.substring(colon + 1) : null;
        OperationDocument op = cli.server(server).commit(new CommitRequestDocument(repository, tag, message, pause ? Boolean.TRUE : null,
                null, null));
        op = cli.client().operations().await(op, java.time.Duration.ofMinutes(30));
        if (json) {
            cli.printJson(op);
        }
        if (!"done".equals(op.status()) || op.image() == null) {
            throw new CliException(ExitCode.FAILURE, "commit of " + server + " " + op.status() + ": " + op.reason());
        }
        if (!json) {
            cli.out().println(op.image().id());
            cli.out().flush();
        }
        return 0;
    }
}
