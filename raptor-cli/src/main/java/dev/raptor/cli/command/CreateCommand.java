package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.wire.server.ServerDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code raptorctl create}: a new server, not started; prints its id. */
@Command(name = "create", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Create a server (not started) and print its id.")
public final class CreateCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Mixin
    SpecOptions spec;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        ServerDocument created = cli.client().servers().create(spec.document());
        cli.out().println(ServerDocs.id(created));
        cli.out().flush();
        return 0;
    }
}
