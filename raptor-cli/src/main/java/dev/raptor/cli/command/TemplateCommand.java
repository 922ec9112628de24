package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.template.TemplateDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl template import FILE|ls|rm ID}: the node's templates, imported from Pterodactyl/Pelican eggs
 * (servers are made from them with {@code POST /servers} and {@code "template": ID}).
 */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Import Pterodactyl/Pelican eggs as templates, list or remove them.",
        subcommands = {TemplateCommand.Import.class, TemplateCommand.Ls.class, TemplateCommand.Rm.class})
public final class TemplateCommand extends VerbGroup {

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import the egg in FILE ('-': stdin), PTDL_v1 or PTDL_v2; prints the template's id.",
                    "A bad egg is refused naming its fields; an id taken is a conflict (exit 4) unless --replace."})
    public static final class Import implements Callable<Integer> {
        @ParentCommand
        TemplateCommand parent;

        @Option(names = "--id", paramLabel = "ID", description = "The template's id (default: from the egg's name, 'Paper MC' -> paper-mc).")
        String id;

        @Option(names = "--replace", description = "Replace the template of that id if there is one.")
        boolean replace;

        @Parameters(paramLabel = "FILE", description = "The egg's JSON file, as a panel exports it; '-' reads stdin.")
        String file;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            byte[] egg;
            try {
                egg = file.equals("-") ? cli.in().readAllBytes() : Files.readAllBytes(Path.of(file));
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
            }
            TemplateDocument t = cli.client().templates().importEgg(egg, id, replace);
            cli.out().println(t.id());
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the node's templates.")
    public static final class Ls implements Callable<Integer> {
        @ParentCommand
        TemplateCommand parent;

        @Option(names = "--json", description = "Print the daemon's JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            List<TemplateDocument> all = cli.client().templates().list().templates();
            if (json) {
                cli.printJson(all);
                return ExitCode.OK;
            }
            Table t = new Table("TEMPLATE ID", "NAME", "IMAGE", "VARIABLES", "INSTALL SCRIPT");
            for (TemplateDocument d : all) {
                String image = d.images() == null || d.images().isEmpty() ? "-" : d.images().values().iterator().next();
                t.row(d.id(), d.name(), image, String.valueOf(d.variables() == null ? 0 : d.variables().size()),
                        d.install() == null ? "no" : "yes");
            }
            cli.out().print(t.render());
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove templates (servers made from them keep what they got).")
    public static final class Rm implements Callable<Integer> {
        @ParentCommand
        TemplateCommand parent;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Template ids.")
        List<String> ids;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            for (String id : ids) {
                cli.client().templates().delete(id);
                cli.out().println(id);
            }
            cli.out().flush();
            return ExitCode.OK;
        }
    }
}
