package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/** {@code raptorctl state export|import FILE}: the node's servers as one JSON document, and back. */
@Command(name = "state", mixinStandardHelpOptions = true, description = "Export or import the node's servers.",
        subcommands = {StateCommand.Export.class, StateCommand.Import.class})
public final class StateCommand implements Runnable {

    @ParentCommand
    RaptorCtl root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: export or import");
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every server (spec, desired state, version) to FILE as JSON ('-': stdout).")
    public static final class Export implements Callable<Integer> {
        @ParentCommand
        StateCommand parent;

        @Parameters(paramLabel = "FILE", description = "Where to write the export; '-' for stdout.")
        String file;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            byte[] doc = cli.api().exportState();
            if (file.equals("-")) {
                cli.out().println(new String(doc, java.nio.charset.StandardCharsets.UTF_8).stripTrailing());
                cli.out().flush();
                return 0;
            }
            Path target = Path.of(file).toAbsolutePath();
            try {
                // write beside, then rename: an interrupted export never leaves half a file under the name
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
                try {
                    Files.write(tmp, doc);
                    try {
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (NoSuchFileException e) {
                throw CliException.usage("cannot write " + file + ": its directory does not exist");
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), e);
            }
            int count = servers(doc);
            cli.out().println("exported " + (count < 0 ? "the node's state" : count + " server" + (count == 1 ? "" : "s")) + " to " + file);
            cli.out().flush();
            return 0;
        }

        private static int servers(byte[] doc) {
            try {
                JsonNode n = Json.parse(doc);
                return n.path("servers").isArray() ? n.get("servers").size() : -1;
            } catch (IOException e) {
                return -1;
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import servers from FILE ('-': stdin): a raptorctl state export, or a legacy containers.json.",
                    "All or nothing: a bad entry, or a server that already exists (without --replace), imports none."})
    public static final class Import implements Callable<Integer> {
        @ParentCommand
        StateCommand parent;

        @Option(names = "--replace", description = "Overwrite servers that already exist instead of refusing the import.")
        boolean replace;

        @Option(names = "--json", description = "Print the daemon's import report as JSON.")
        boolean json;

        @Parameters(paramLabel = "FILE", description = "The export or containers.json to import; '-' for stdin.")
        String file;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            byte[] doc;
            try {
                doc = file.equals("-") ? cli.in().readAllBytes() : Files.readAllBytes(Path.of(file));
            } catch (NoSuchFileException e) {
                throw CliException.notFound("no such file: " + file);
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
            }
            try {
                JsonNode parsed = Json.parse(doc);
                if (parsed == null || !parsed.isContainerNode()) {
                    throw CliException.usage(file + " is not a JSON object or array");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw CliException.usage(file + " is not valid JSON: " + e.getOriginalMessage()
                        + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
            }
            JsonNode report = cli.api().importState(doc, replace);
            if (json) {
                cli.out().println(Json.pretty(report));
            } else {
                printReport(cli, report);
            }
            cli.out().flush();
            return 0;
        }

        private static void printReport(Cli cli, JsonNode report) {
            JsonNode imported = report.path("imported");
            int n = imported.isArray() ? imported.size() : imported.asInt(0);
            String format = Json.text(report, "", "format");
            cli.out().println("imported " + n + " server" + (n == 1 ? "" : "s")
                    + (format.isEmpty() ? "" : " (" + format.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")"));
            if (imported.isArray()) {
                JsonNode replaced = report.path("replaced");
                for (JsonNode id : imported) {
                    String text = id.isObject() ? Json.text(id, id.toString(), "id") : id.asText();
                    boolean wasReplaced = false;
                    for (JsonNode r : replaced) {
                        wasReplaced |= r.asText().equals(text);
                    }
                    cli.out().println("  " + text + (wasReplaced ? " (replaced)" : ""));
                }
            }
            for (JsonNode w : report.path("warnings")) {
                cli.err().println("warning: " + w.asText());
            }
            cli.err().flush();
        }
    }
}
