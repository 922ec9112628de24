package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.client.UpdatesClient;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.update.UpdateDocument;
import dev.raptor.wire.update.UpdateHistory;
import dev.raptor.wire.update.UpdateSourceDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl updates source|run|ls|rollback SERVER}: keeping a server's game on the latest version of its
 * update source (download and checksum, stop, backup, apply, start, and rollback when the new version does not come
 * up). ({@code raptorctl update} changes a server's spec, as {@code docker update} does.)
 */
@Command(name = "updates", mixinStandardHelpOptions = true,
        description = {"Game updates: set a server's update source, update now, list the history, roll back.",
                "(raptorctl update changes a server's limits and settings.)"},
        subcommands = {UpdatesCommand.Source.class, UpdatesCommand.Run.class, UpdatesCommand.Ls.class, UpdatesCommand.Rollback.class})
public final class UpdatesCommand extends VerbGroup {

    static UpdatesClient updates(Cli cli, ServerRef ref) {
        return cli.client().server(ref.id()).updates();
    }

    @Command(name = "source", mixinStandardHelpOptions = true,
            description = {"Set where SERVER's new versions come from (a manifest {version, url, sha256, size}), or show it.",
                    "Without --manifest (and --remove) it prints the current source."})
    public static final class Source implements Callable<Integer> {
        @ParentCommand
        UpdatesCommand parent;

        @Option(names = "--manifest", paramLabel = "URL", description = "The manifest's http://, https:// or file:// address.")
        String manifest;

        @Option(names = "--every", paramLabel = "SECONDS", description = "How often to check it (default 3600).")
        Long every;

        @Option(names = "--auto", description = "Apply a newer version as soon as a check sees it (default: only log it).")
        boolean auto;

        @Option(names = "--preserve", paramLabel = "PATH", description = "A path an update never replaces, e.g. world (repeatable).")
        List<String> preserve = new ArrayList<>();

        @Option(names = "--ready", paramLabel = "SECONDS", description = "How long the new version may take to be ready before it is rolled back (default 300).")
        Long ready;

        @Option(names = "--max-backups", paramLabel = "N", description = "Pre-update backups to keep (default 3).")
        Integer maxBackups;

        @Option(names = "--remove", description = "Stop checking (the version and the history stay).")
        boolean remove;

        @Option(names = "--json", description = "Print the daemon's JSON.")
        boolean json;

        @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            UpdatesClient client = updates(cli, ref);
            if (remove) {
                client.removeSource();
                cli.out().println(server);
                cli.out().flush();
                return ExitCode.OK;
            }
            UpdateSourceDocument s = manifest == null ? client.source()
                    : client.setSource(new UpdateSourceDocument(manifest, every, auto ? Boolean.TRUE : null,
                    preserve.isEmpty() ? null : preserve, ready, maxBackups, null));
            if (json) {
                cli.printJson(s);
                return ExitCode.OK;
            }
            cli.out().println("manifest:    " + s.manifest());
            cli.out().println("every:       " + s.checkEverySeconds() + " s" + (Boolean.TRUE.equals(s.auto()) ? ", applied at once (auto)" : ", logged only"));
            cli.out().println("preserve:    " + (s.preserve() == null || s.preserve().isEmpty() ? "-" : String.join(", ", s.preserve())));
            cli.out().println("ready within " + s.readySeconds() + " s; keeps " + s.maxBackups() + " pre-update backups");
            cli.out().println("version:     " + (s.version() == null ? "(never updated)" : s.version()));
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Update SERVER now to its source's latest version (or --version); prints the version it runs after.",
                    "A version that does not come up is rolled back: the previous one runs again and this fails with the reason."})
    public static final class Run implements Callable<Integer> {
        @ParentCommand
        UpdatesCommand parent;

        @Option(names = "--version", paramLabel = "VERSION", description = "The version to go to (default: the latest).")
        String version;

        @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            OperationDocument op = updates(cli, ref).updateNoWait(version);
            BackupCommand.follow(cli, op, "update of " + ref.label());
            UpdateHistory h = updates(cli, ref).history();
            cli.out().println(h.version() == null ? "-" : h.version());
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List SERVER's updates, oldest first.")
    public static final class Ls implements Callable<Integer> {
        @ParentCommand
        UpdatesCommand parent;

        @Option(names = "--json", description = "Print the daemon's JSON.")
        boolean json;

        @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            UpdateHistory h = updates(cli, ref).history();
            if (json) {
                cli.printJson(h);
                return ExitCode.OK;
            }
            Table t = new Table("FROM", "TO", "STARTED", "OUTCOME", "BACKUP", "REASON");
            for (UpdateDocument u : h.updates()) {
                t.row(u.from() == null ? "-" : u.from(), u.to(), String.valueOf(u.startedAt()), u.outcome(),
                        u.backupId() == null ? "-" : u.backupId().substring(0, 8), u.reason() == null ? "" : u.reason());
            }
            cli.out().print(t.render());
            cli.out().println("version " + (h.version() == null ? "-" : h.version()) + "; " + h.count() + " updates, " + h.succeeded() + " succeeded");
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Go back to the version before SERVER's last succeeded update (its pre-update backup, whole).")
    public static final class Rollback implements Callable<Integer> {
        @ParentCommand
        UpdatesCommand parent;

        @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            BackupCommand.follow(cli, updates(cli, ref).rollbackNoWait(), "rollback of " + ref.label());
            UpdateHistory h = updates(cli, ref).history();
            cli.out().println(h.version() == null ? "-" : h.version());
            cli.out().flush();
            return ExitCode.OK;
        }
    }
}
