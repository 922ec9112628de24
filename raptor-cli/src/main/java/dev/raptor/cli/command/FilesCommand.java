package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.ProgressBar;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.client.FilesClient;
import dev.raptor.wire.client.OperationsClient;
import dev.raptor.wire.files.CompressRequest;
import dev.raptor.wire.files.DecompressRequest;
import dev.raptor.wire.files.DeleteRequest;
import dev.raptor.wire.files.FileEntryDocument;
import dev.raptor.wire.files.FileListDocument;
import dev.raptor.wire.files.ModeChangeDocument;
import dev.raptor.wire.files.MoveDocument;
import dev.raptor.wire.files.WriteDocument;
import dev.raptor.wire.operation.OperationDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl files ls|cat|put|get|rm|mv|mkdir|chmod|zip|unzip SERVER PATH...}: a server's files through the
 * daemon's file API, under the same jail, file rules and quota as the panel's file manager. Transfers, deletes and
 * archives that last over a second show a progress line on an interactive terminal; {@code --json} prints the
 * daemon's answer.
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = {"Manage a server's files (PATH is inside the server: /plugins/a.jar).",
                "Nothing reaches outside the server's directory; the server's file rules and disk quota apply."},
        subcommands = {FilesCommand.Ls.class, FilesCommand.Cat.class, FilesCommand.Put.class, FilesCommand.Get.class,
                FilesCommand.Rm.class, FilesCommand.Mv.class, FilesCommand.Mkdir.class, FilesCommand.Chmod.class,
                FilesCommand.Zip.class, FilesCommand.Unzip.class})
public final class FilesCommand extends VerbGroup {
    /** How long rm, zip and unzip follow their operation before giving up on it (it goes on in the daemon). */
    static final Duration OPERATION_DEADLINE = Duration.ofHours(2);
    private static final Duration POLL = Duration.ofMillis(250);

    FilesClient files(String server) {
        return root.cli().server(server).files();
    }

    /** A verb of the group: its SERVER and {@code --json}. */
    abstract static class FileVerb implements Callable<Integer> {
        @ParentCommand
        FilesCommand parent;

        @Parameters(index = "0", paramLabel = "SERVER", description = "Server id, id prefix or name.")
        String server;

        Cli cli() {
            return parent.root.cli();
        }

        FilesClient files() {
            return parent.files(server);
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a directory (default /).")
    public static final class Ls extends FileVerb {
        @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "The directory (default /).")
        String dir = "/";

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            FileListDocument list = files().list(dir);
            if (json) {
                cli().printJson(list);
                return 0;
            }
            Table t = new Table("MODE", "SIZE", "MODIFIED", "NAME");
            for (FileEntryDocument e : list.entries()) {
                String name = switch (e.type()) {
                    case "directory" -> e.name() + "/";
                    case "symlink" -> e.name() + " -> " + e.linkTarget() + (Boolean.TRUE.equals(e.linkInside()) ? "" : " (outside)");
                    default -> e.name();
                };
                t.row(e.mode(), e.type().equals("file") ? Human.bytes(e.size()) : "-",
                        e.modified() == null ? "" : e.modified().toString(), name);
            }
            cli().out().print(t.render());
            cli().out().flush();
            return 0;
        }
    }

    @Command(name = "cat", mixinStandardHelpOptions = true, description = "Print a file's bytes on standard output.")
    public static final class Cat extends FileVerb {
        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            Cli cli = cli();
            try (FilesClient.Download d = files().read(file)) {
                cli.out().flush();
                d.body().transferTo(cli.bytesOut());
                cli.bytesOut().flush();
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "reading " + file + " failed: " + e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Upload LOCAL (- for standard input) to REMOTE, atomically.",
                    "REMOTE defaults to /<LOCAL's name>; a REMOTE ending in / is a directory to put it in."})
    public static final class Put extends FileVerb {
        @Parameters(index = "1", paramLabel = "LOCAL")
        String local;

        @Parameters(index = "2", arity = "0..1", paramLabel = "REMOTE")
        String remote;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = cli();
            boolean stdin = local.equals("-");
            if (stdin && (remote == null || remote.endsWith("/"))) {
                throw CliException.usage("put - needs a REMOTE file name");
            }
            Path source = stdin ? null : Path.of(local);
            if (source != null && !Files.isRegularFile(source)) {
                throw CliException.usage(local + " is not a file");
            }
            String target = remote == null ? "/" + source.getFileName()
                    : remote.endsWith("/") ? remote + source.getFileName() : remote;
            WriteDocument w;
            try (InputStream in = stdin ? cli.in() : Files.newInputStream(source)) {
                long size = stdin ? -1 : Files.size(source);
                try (ProgressBar bar = ProgressBar.start(cli.terminal(), cli.err(), "put " + target, size)) {
                    w = files().write(target, in, size, bar::update);
                }
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + local + ": " + e.getMessage(), e);
            }
            if (json) {
                cli.printJson(w);
            } else {
                cli.out().println(w.path() + " (" + Human.bytes(w.bytes()) + ")");
                cli.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download REMOTE to LOCAL (- for standard output; default ./<REMOTE's name>).",
                    "A LOCAL directory gets the file under its name; the file appears whole or not at all."})
    public static final class Get extends FileVerb {
        @Parameters(index = "1", paramLabel = "REMOTE")
        String remote;

        @Parameters(index = "2", arity = "0..1", paramLabel = "LOCAL")
        String local;

        @Override
        public Integer call() {
            Cli cli = cli();
            String name = remote.substring(remote.lastIndexOf('/') + 1);
            if (!"-".equals(local) && name.isEmpty()) {
                throw CliException.usage(remote + " names no file");
            }
            try (FilesClient.Download d = files().read(remote)) {
                if ("-".equals(local)) {
                    cli.out().flush();
                    d.body().transferTo(cli.bytesOut());
                    cli.bytesOut().flush();
                    return 0;
                }
                Path target = local == null ? Path.of(name) : Files.isDirectory(Path.of(local)) ? Path.of(local, name) : Path.of(local);
                Path dir = target.toAbsolutePath().getParent();
                Path partial = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
                try {
                    try (OutputStream out = Files.newOutputStream(partial);
                         ProgressBar bar = ProgressBar.start(cli.terminal(), cli.err(), "get " + remote, d.length())) {
                        byte[] buf = new byte[128 * 1024];
                        long done = 0;
                        for (int n; (n = d.body().read(buf)) >= 0; ) {
                            out.write(buf, 0, n);
                            done += n;
                            bar.update(done);
                        }
                        if (d.length() >= 0 && done != d.length()) {
                            throw new IOException("the daemon sent " + done + " of " + d.length() + " bytes");
                        }
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
                cli.out().println(target + " (" + Human.bytes(Files.size(target)) + ")");
                cli.out().flush();
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "downloading " + remote + " failed: " + e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Delete files and directories (with everything inside); links are removed, never followed.")
    public static final class Rm extends FileVerb {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Option(names = "--json", description = "Print the finished operation as JSON.")
        boolean json;

        @Override
        public Integer call() {
            OperationDocument op = files().delete(new DeleteRequest(paths, false, null));
            return finish(cli(), "rm", op, json, () -> "deleted " + String.join(" ", paths));
        }
    }

    @Command(name = "mv", mixinStandardHelpOptions = true, description = "Rename or move FROM to TO (which must not exist).")
    public static final class Mv extends FileVerb {
        @Parameters(index = "1", paramLabel = "FROM")
        String from;

        @Parameters(index = "2", paramLabel = "TO")
        String to;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            var answer = files().rename(List.of(new MoveDocument(from, to)));
            if (json) {
                cli().printJson(answer);
            } else {
                MoveDocument m = answer.moves().getFirst();
                cli().out().println(m.from() + " -> " + m.to());
                cli().out().flush();
            }
            return 0;
        }
    }

    @Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Create directories (their parents too).")
    public static final class Mkdir extends FileVerb {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "DIR")
        List<String> dirs;

        @Override
        public Integer call() {
            for (String d : dirs) {
                cli().out().println(files().mkdir(d).path());
            }
            cli().out().flush();
            return 0;
        }
    }

    @Command(name = "chmod", mixinStandardHelpOptions = true,
            description = "Set the permission bits (octal, e.g. 755) of files; never through a link.")
    public static final class Chmod extends FileVerb {
        @Parameters(index = "1", paramLabel = "MODE")
        String mode;

        @Parameters(index = "2..*", arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Override
        public Integer call() {
            var answer = files().chmod(paths.stream().map(p -> new ModeChangeDocument(p, mode)).toList());
            for (ModeChangeDocument c : answer.changes()) {
                cli().out().println(c.mode() + " " + c.path());
            }
            cli().out().flush();
            return 0;
        }
    }

    @Command(name = "zip", mixinStandardHelpOptions = true,
            description = {"Archive PATHs inside the server.",
                    "Without -o the archive is archive-<time>.<ext> beside them."})
    public static final class Zip extends FileVerb {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Option(names = {"-o", "--output"}, paramLabel = "ARCHIVE", description = "The archive to write, e.g. /backups/world.tar.zst.")
        String output;

        @Option(names = "--format", paramLabel = "FORMAT", description = "tar.gz (default), tar.zst or zip; "
                + "taken from ARCHIVE's name when it ends in one of them.")
        String format;

        @Option(names = "--json", description = "Print the finished operation as JSON.")
        boolean json;

        @Override
        public Integer call() {
            String f = format;
            if (f == null && output != null) {
                for (String known : List.of("tar.gz", "tar.zst", "zip")) {
                    if (output.endsWith("." + known)) {
                        f = known;
                    }
                }
            }
            OperationDocument op = files().compress(new CompressRequest(paths, output, f, false, null));
            return finish(cli(), "zip", op, json, () -> "");
        }
    }

    @Command(name = "unzip", mixinStandardHelpOptions = true,
            description = {"Extract ARCHIVE inside the server (zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst, .gz, .zst: "
                    + "read from its content).", "Without -d it is extracted beside the archive."})
    public static final class Unzip extends FileVerb {
        @Parameters(index = "1", paramLabel = "ARCHIVE")
        String archive;

        @Option(names = {"-d", "--destination"}, paramLabel = "DIR", description = "Where to extract it.")
        String destination;

        @Option(names = "--json", description = "Print the finished operation as JSON.")
        boolean json;

        @Override
        public Integer call() {
            OperationDocument op = files().decompress(new DecompressRequest(archive, destination, false, null));
            return finish(cli(), "unzip", op, json, () -> "");
        }
    }

    /**
     * Follows a file operation the daemon accepted without waiting, with a progress line, to its outcome: done prints
     * its path (or {@code fallback}) or, with {@code --json}, the operation; failed is an error with its reason.
     */
    static int finish(Cli cli, String verb, OperationDocument accepted, boolean json, java.util.function.Supplier<String> fallback) {
        OperationDocument op = accepted;
        long deadline = System.nanoTime() + OPERATION_DEADLINE.toNanos();
        try (ProgressBar bar = ProgressBar.start(cli.terminal(), cli.err(), verb, -1)) {
            while (OperationsClient.PENDING.equals(op.status())) {
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCode.FAILURE, verb + " is still running after " + OPERATION_DEADLINE.toHours()
                            + " hours (operation " + op.id() + "; it goes on in the daemon)");
                }
                if (op.progress() != null) {
                    if (op.progress().bytesTotal() >= 0) {
                        bar.total(op.progress().bytesTotal());
                    }
                    bar.update(op.progress().bytesDone());
                }
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCode.FAILURE, "interrupted (operation " + op.id() + " goes on in the daemon)");
                }
                op = cli.client().operations().get(op.id());
            }
        }
        if (!"done".equals(op.status())) {
            String why = op.problem() != null && op.problem().detail() != null ? op.problem().detail()
                    : op.reason() == null ? op.status() : op.reason();
            int code = op.problem() != null ? ExitCode.forStatus(op.problem().status()) : ExitCode.FAILURE;
            throw new CliException(code, verb + " failed: " + why);
        }
        if (json) {
            cli.printJson(op);
        } else {
            String what = op.path() != null ? op.path() : fallback.get();
            if (!what.isEmpty()) {
                cli.out().println(what);
            }
            cli.out().flush();
        }
        return 0;
    }
}
