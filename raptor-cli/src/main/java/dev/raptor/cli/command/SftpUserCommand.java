package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserList;
import dev.raptor.wire.sftp.SftpUserRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code raptorctl sftp-user add|ls|rm SERVER ...}: who may reach a server's files over SFTP and FTP. */
@Command(name = "sftp-user", mixinStandardHelpOptions = true,
        description = {"Manage a server's SFTP/FTP users.",
                "A user logs in as <username>.<first 8 characters of the server id>, with its password or one of its keys."},
        subcommands = {SftpUserCommand.Add.class, SftpUserCommand.Ls.class, SftpUserCommand.Rm.class})
public final class SftpUserCommand extends VerbGroup {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create a user on SERVER and print its login name.",
                    "The password is read from standard input (--password-stdin), never from the command line."})
    public static final class Add implements Callable<Integer> {
        @ParentCommand
        SftpUserCommand parent;

        @Parameters(index = "0", paramLabel = "SERVER", description = "Server id, id prefix or name.")
        String server;

        @Parameters(index = "1", paramLabel = "USERNAME", description = "Letters, digits, '.', '_' or '-'.")
        String username;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Option(names = "--key", paramLabel = "FILE", description = "An OpenSSH public key file (e.g. ~/.ssh/id_ed25519.pub); repeatable.")
        List<Path> keys = new ArrayList<>();

        @Option(names = "--perm", paramLabel = "PERMISSION", split = ",",
                description = "read, write, delete (repeatable or comma-separated; default all).")
        List<String> permissions = new ArrayList<>();

        @Option(names = "--expires", paramLabel = "INSTANT", description = "When the user stops logging in, e.g. 2026-01-31T00:00:00Z.")
        String expires;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            if (!passwordStdin && keys.isEmpty()) {
                throw CliException.usage("give --password-stdin, --key FILE, or both");
            }
            String password = null;
            if (passwordStdin) {
                try {
                    String line = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
                    if (line == null || line.isEmpty()) {
                        throw CliException.usage("--password-stdin: standard input holds no password");
                    }
                    password = line;
                } catch (IOException e) {
                    throw new CliException(ExitCode.FAILURE, "cannot read the password: " + e.getMessage(), e);
                }
            }
            List<String> publicKeys = null;
            if (!keys.isEmpty()) {
                publicKeys = new ArrayList<>();
                for (Path p : keys) {
                    try {
                        Files.readAllLines(p).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(publicKeys::add);
                    } catch (IOException e) {
                        throw CliException.usage("cannot read the key file " + p + ": " + e.getMessage());
                    }
                }
            }
            List<String> perms = permissions.isEmpty() ? null
                    : permissions.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
            Instant expiresAt;
            try {
                expiresAt = expires == null ? null : Instant.parse(expires.strip());
            } catch (DateTimeParseException e) {
                throw CliException.usage("--expires '" + expires + "' is not an instant, e.g. 2026-01-31T00:00:00Z");
            }
            SftpUserDocument answer = cli.server(server).addSftpUser(new SftpUserRequest(username, password, publicKeys, perms, expiresAt));
            if (json) {
                cli.printJson(answer);
                return 0;
            }
            cli.out().println(answer.login() == null ? username : answer.login());
            cli.out().flush();
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a server's SFTP/FTP users.")
    public static final class Ls implements Callable<Integer> {
        @ParentCommand
        SftpUserCommand parent;

        @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
        String server;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            SftpUserList answer = cli.server(server).sftpUsers();
            if (json) {
                cli.printJson(answer);
                return 0;
            }
            Table t = new Table("LOGIN", "PASSWORD", "KEYS", "PERMISSIONS", "EXPIRES");
            for (SftpUserDocument u : answer.users()) {
                t.row(u.login(), u.hasPassword() ? "yes" : "no", Integer.toString(u.publicKeys() == null ? 0 : u.publicKeys().size()),
                        u.permissions() == null ? "" : String.join(",", u.permissions()),
                        u.expiresAt() == null ? "never" : u.expiresAt().toString());
            }
            cli.out().print(t.render());
            cli.out().flush();
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Delete a server's SFTP/FTP user; its open sessions end at once.")
    public static final class Rm implements Callable<Integer> {
        @ParentCommand
        SftpUserCommand parent;

        @Parameters(index = "0", paramLabel = "SERVER", description = "Server id, id prefix or name.")
        String server;

        @Parameters(index = "1", paramLabel = "USERNAME", description = "The user's name (without the short server id).")
        String username;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            cli.server(server).deleteSftpUser(username);
            cli.out().println("deleted " + username);
            cli.out().flush();
            return 0;
        }
    }
}
