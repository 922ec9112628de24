package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.wire.server.ServerDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code raptorctl run}: create and start a server, then either print its id ({@code -d}) or stay
 * attached to its console like {@code attach} (Ctrl-C or end of input detaches; the server keeps running).
 */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Create and start a server, then attach to its console (or print its id with -d).",
                "Detaching (Ctrl-C, end of input) leaves the server running."})
public final class RunCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-d", "--detach"}, description = "Print the id and return instead of attaching.")
    boolean detach;

    @Mixin
    SpecOptions spec;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        ServerDocument created = cli.client().servers().create(spec.document());
        String id = ServerDocs.id(created);
        ServerRef ref = new ServerRef(id, ServerDocs.name(created), created);
        if (detach) {
            PowerCommand.perform(cli, ref, "start", true);
            cli.out().println(id);
            cli.out().flush();
            return 0;
        }
        // Follow the console before starting, so the boot's first line is not missed.
        return new ConsoleSession(cli, ref).run(0, () -> PowerCommand.perform(cli, ref, "start", true));
    }
}
