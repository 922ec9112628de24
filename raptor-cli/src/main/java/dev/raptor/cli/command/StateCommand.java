package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.state.ImportReportDocument;
import dev.raptor.wire.state.StateExportDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code raptorctl state export|import FILE}: the node's servers as one JSON document, and back. */
@Command(name = "state", mixinStandardHelpOptions = true, description = "Export or import the node's servers.",
        subcommands = {StateCommand.Export.class, StateCommand.Import.class})
public final class StateCommand extends VerbGroup {

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
            byte[] doc = cli.client().state().exportBytes();
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
                StateExportDocument export = WireJson.mapper().readValue(doc, StateExportDocument.class);
                return export.servers() == null ? -1 : export.servers().size();
            } catch (IOException e) {
                return -1;
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import servers from FILE ('-': stdin): a raptorctl state export, or a legacy containers.json;",
                    "or SFTP/FTP users from the earlier daemon's ftp_credentials.json (import its containers.json first:",
                    "each login becomes <username>.<short server id> of the server its container became, old password kept).",
                    "All or nothing: a bad entry, a server that already exists (without --replace) or a user that",
                    "already exists (even with --replace) imports none."})
    public static final class Import implements Callable<Integer> {
        @ParentCommand
        StateCommand parent;

        @Option(names = "--replace", description = "Overwrite servers that already exist instead of refusing the import.")
        boolean replace;

        @Option(names = "--json", description = "Print the daemon's import report as JSON.")
        boolean json;

        @Parameters(paramLabel = "FILE", description = "The export, containers.json or ftp_credentials.json to import; '-' for stdin.")
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
                JsonNode parsed = WireJson.mapper().readTree(doc);
                if (parsed == null || !parsed.isContainerNode()) {
                    throw CliException.usage(file + " is not a JSON object or array");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw CliException.usage(file + " is not valid JSON: " + e.getOriginalMessage()
                        + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
            }
            ImportReportDocument report = cli.client().state().importDocument(doc, replace);
            if (json) {
                cli.printJson(report);
                return 0;
            }
            printReport(cli, report);
            cli.out().flush();
            return 0;
        }

        private static void printReport(Cli cli, ImportReportDocument report) {
            int n = report.imported() == null ? 0 : report.imported().size();
            int users = report.sftpLogins() == null ? 0 : report.sftpLogins().size();
            String format = report.format() == null ? "" : report.format();
            String from = format.isEmpty() ? "" : " (" + format.toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
            if (n > 0 || users == 0) {
                cli.out().println("imported " + n + " server" + (n == 1 ? "" : "s") + from);
            }
            if (report.imported() != null) {
                for (UUID id : report.imported()) {
                    boolean replaced = report.replaced() != null && report.replaced().contains(id);
                    cli.out().println("  " + id + (replaced ? " (replaced)" : ""));
                }
            }
            if (users > 0) {
                cli.out().println("imported " + users + " SFTP/FTP user" + (users == 1 ? "" : "s") + (n > 0 ? "" : from));
                report.sftpLogins().forEach(login -> cli.out().println("  " + login));
            }
            if (report.warnings() != null) {
                report.warnings().forEach(w -> cli.err().println("warning: " + w));
            }
            cli.err().flush();
        }
    }
}
