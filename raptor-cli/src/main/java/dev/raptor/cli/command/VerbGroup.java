package dev.raptor.cli.command;

import dev.raptor.cli.RaptorCtl;
import picocli.CommandLine;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A verb made of subcommands ({@code state export|import}, {@code system info}): its subcommands reach the
 * daemon through {@link #root}; the verb alone is a usage error naming them.
 */
abstract class VerbGroup implements Runnable {

    @ParentCommand
    RaptorCtl root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        java.util.List<String> names = java.util.List.copyOf(spec.subcommands().keySet());
        String choices = names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: " + choices);
    }
}
