package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.cli.output.ProgressBar;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.backup.BackupDocument;
import dev.raptor.wire.backup.BackupList;
import dev.raptor.wire.client.BackupsClient;
import dev.raptor.wire.client.OperationsClient;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.OperationProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl backup create|ls|restore|rm|download|import SERVER}: backups of a server's files. Long work (create,
 * restore) is followed through its operation, with a progress bar on a terminal.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a server's files, list, restore, remove, download or import backups.",
        subcommands = {BackupCommand.Create.class, BackupCommand.Ls.class, BackupCommand.Restore.class, BackupCommand.Rm.class,
                BackupCommand.Download.class, BackupCommand.Import.class})
public final class BackupCommand extends VerbGroup {
    private static final java.time.Duration DEADLINE = java.time.Duration.ofHours(6);

    /** The backups of the server {@code ref} names, and the server as resolved (for messages). */
    static BackupsClient backups(Cli cli, ServerRef ref) {
        return cli.client().server(ref.id()).backups();
    }

    /** Polls the operation until it ends, drawing its progress; a failed one is an error naming the reason. */
    static OperationDocument follow(Cli cli, OperationDocument op, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        boolean drew = false;
        while (OperationsClient.PENDING.equals(op.status())) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCode.FAILURE, what + " is still running after " + DEADLINE.toHours() + " hours (operation "
                        + op.id() + ")");
            }
            if (cli.terminal().interactive() && op.progress() != null) {
                cli.err().print("\r" + bar(op.progress()));
                cli.err().flush();
                drew = true;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILURE, "interrupted while waiting for the " + what);
            }
            op = cli.client().operations().get(op.id());
        }
        if (drew) {
            cli.err().print("\r" + " ".repeat(78) + "\r");
            cli.err().flush();
        }
        String status = op.status() == null ? "" : op.status();
        if (!status.equals("done")) {
            throw new CliException(status.equals("failed") ? ExitCode.FAILURE : ExitCode.CONFLICT,
                    what + " " + status + (op.reason() != null ? ": " + op.reason() : ""));
        }
        return op;
    }

    /** {@code extracting [=========>          ] 48%  1.2 GiB/2.5 GiB  310 MiB/s} */
    static String bar(OperationProgress p) {
        long done = p.bytesDone();
        long total = p.bytesTotal();
        String stage = p.stage();
        String rate = size(p.bytesPerSecond()) + "/s";
        if (total <= 0) {
            return String.format(Locale.ROOT, "%-10s %s  %s", stage, size(done), rate);
        }
        int width = 30;
        int filled = (int) Math.min(width, done * width / Math.max(1, total));
        return String.format(Locale.ROOT, "%-10s [%s%s] %3d%%  %s/%s  %s", stage, "=".repeat(filled), " ".repeat(width - filled),
                done * 100 / Math.max(1, total), size(done), size(total), rate);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Back up SERVER's files (it may run); prints the backup's id.")
    public static final class Create implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--name", description = "The backup's name (default: its time).")
        String name;

        @Option(names = "--ignore", paramLabel = "PATTERN", description = "A gitignore pattern to leave out (repeatable), after those of the server's .raptorignore.")
        List<String> ignore = new ArrayList<>();

        @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            OperationDocument op = follow(cli, backups(cli, ref).createNoWait(name, ignore), "backup of " + ref.label());
            cli.out().println(op.backupId());
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List SERVER's backups, oldest first.")
    public static final class Ls implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--json", description = "Print the daemon's JSON document: {\"backups\": [...], \"schedule\", \"timeZone\", "
                + "\"nextBackupAt\"} (the schedule and the next scheduled backup are null without a schedule).")
        boolean json;

        @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            BackupList list = backups(cli, ref).list();
            if (json) {
                cli.printJson(list);
                return ExitCode.OK;
            }
            Table t = new Table("BACKUP ID", "NAME", "CREATED", "STATUS", "SIZE", "LOCKED");
            for (BackupDocument b : list.backups()) {
                t.row(b.id().toString(), b.name(), String.valueOf(b.createdAt()), b.status(), b.size() == null ? "-" : size(b.size()),
                        b.locked() ? "yes" : "");
            }
            cli.out().print(t.render());
            cli.out().println(schedule(list));
            cli.out().flush();
            return ExitCode.OK;
        }

        /** {@code Next scheduled backup: 2026-12-06T04:00:00Z (schedule "0 4 * * *", time zone Europe/Berlin)}. */
        static String schedule(BackupList list) {
            if (list.schedule() == null) {
                return "No backup schedule: backups are made on request only.";
            }
            String how = "schedule \"" + list.schedule() + "\"" + (list.timeZone() == null ? "" : ", time zone " + list.timeZone());
            return list.nextBackupAt() == null ? "No scheduled backup is due (" + how + ")."
                    : "Next scheduled backup: " + list.nextBackupAt() + " (" + how + ")";
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Restore SERVER's files from BACKUP: checked first, swapped in whole; a running server is stopped and started again.",
                    "Without --truncate files the backup does not hold are kept."})
    public static final class Restore implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--truncate", description = "Make the server's files exactly the backup (files it does not hold are removed).")
        boolean truncate;

        @Parameters(index = "0", paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Parameters(index = "1", paramLabel = "BACKUP", description = "The backup's id (raptorctl backup ls SERVER).")
        String backup;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            follow(cli, backups(cli, ref).restoreNoWait(backup, truncate), "restore of " + ref.label());
            cli.out().println(backup);
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove backups of SERVER (a locked one is refused).")
    public static final class Rm implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(index = "0", paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "BACKUP", description = "Backup ids.")
        List<String> backups;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            BackupsClient client = backups(cli, ref);
            for (String b : backups) {
                client.delete(b);
                cli.out().println(b);
            }
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = {"Save BACKUP's archive to FILE ('-': stdout), as stored, with a progress bar on a terminal.",
                    "Its SHA-256 is checked against the backup's: a FILE that would differ is not written."})
    public static final class Download implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(index = "0", paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Parameters(index = "1", paramLabel = "BACKUP", description = "The backup's id.")
        String backup;

        @Parameters(index = "2", paramLabel = "FILE", description = "Where to write the archive; '-' for stdout.")
        String file;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            BackupsClient client = backups(cli, ref);
            BackupDocument b = client.get(backup); // its size (the bar's total) and SHA-256 (checked)
            try (InputStream in = client.download(backup)) {
                if (file.equals("-")) {
                    cli.out().flush();
                    copy(cli, b, in, cli.bytesOut());
                    cli.bytesOut().flush();
                    return ExitCode.OK;
                }
                Path target = Path.of(file).toAbsolutePath();
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
                try {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        copy(cli, b, in, out);
                    }
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                cli.out().println(file);
                cli.out().flush();
                return ExitCode.OK;
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "downloading backup " + backup + " to " + file + " failed: " + e.getMessage(), e);
            }
        }

        /** Copies the archive, drawing its progress, and fails when its size or SHA-256 is not the backup's. */
        private static void copy(Cli cli, BackupDocument b, InputStream in, OutputStream out) throws IOException {
            java.security.MessageDigest sha256;
            try {
                sha256 = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
            long total = b.size() == null ? -1 : b.size();
            long done = 0;
            try (ProgressBar bar = ProgressBar.start(cli.terminal(), cli.err(), "download " + b.name(), total)) {
                byte[] buf = new byte[128 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    sha256.update(buf, 0, n);
                    done += n;
                    bar.update(done);
                }
            }
            if (total >= 0 && done != total) {
                throw new IOException("the daemon sent " + done + " of " + total + " bytes");
            }
            String got = java.util.HexFormat.of().formatHex(sha256.digest());
            if (b.sha256() != null && !b.sha256().equals(got)) {
                throw new IOException("the archive's SHA-256 is " + got + ", not the backup's " + b.sha256());
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Keep FILE, an archive made elsewhere (tar.gz, tar.zst, zip...), as a backup of SERVER; prints its id.")
    public static final class Import implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--name", description = "The backup's name (default: the file's name).")
        String name;

        @Parameters(index = "0", paramLabel = "SERVER", description = "A server id, id prefix or name.")
        String server;

        @Parameters(index = "1", paramLabel = "FILE", description = "The archive to upload (streamed, whatever its size).")
        Path file;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCode.USAGE, file + " is not a file");
            }
            try {
                String shown = name != null ? name : file.getFileName().toString();
                cli.out().println(backups(cli, ref).importArchive(file, shown).id());
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
            }
            cli.out().flush();
            return ExitCode.OK;
        }
    }
}
