package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.Json;
import dev.raptor.cli.output.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code raptorctl sftp-user add|ls|rm SERVER ...}: who may reach a server's files over SFTP and FTP. */
@Command(name = "sftp-user", mixinStandardHelpOptions = true,
        description = {"Manage a server's SFTP/FTP users.",
                "A user logs in as <username>.<first 8 characters of the server id>, with its password or one of its keys."},
        subcommands = {SftpUserCommand.Add.class, SftpUserCommand.Ls.class, SftpUserCommand.Rm.class})
public final class SftpUserCommand implements Runnable {

    @ParentCommand
    RaptorCtl root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: add, ls or rm");
    }

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
            ObjectNode body = Json.object();
            body.put("username", username);
            if (passwordStdin) {
                try {
                    String line = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
                    if (line == null || line.isEmpty()) {
                        throw CliException.usage("--password-stdin: standard input holds no password");
                    }
                    body.put("password", line);
                } catch (IOException e) {
                    throw new CliException(ExitCode.FAILURE, "cannot read the password: " + e.getMessage(), e);
                }
            }
            if (!keys.isEmpty()) {
                ArrayNode k = body.putArray("publicKeys");
                for (Path p : keys) {
                    try {
                        Files.readAllLines(p).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(k::add);
                    } catch (IOException e) {
                        throw CliException.usage("cannot read the key file " + p + ": " + e.getMessage());
                    }
                }
            }
            if (!permissions.isEmpty()) {
                ArrayNode perms = body.putArray("permissions");
                permissions.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().forEach(perms::add);
            }
            if (expires != null) {
                body.put("expiresAt", expires);
            }
            String id = cli.resolver().resolve(server).id();
            JsonNode answer = cli.api().createSftpUser(id, body);
            cli.out().println(json ? Json.pretty(answer) : Json.text(answer, username, "login"));
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
            String id = cli.resolver().resolve(server).id();
            JsonNode answer = cli.api().sftpUsers(id);
            if (json) {
                cli.out().println(Json.pretty(answer));
            } else {
                Table t = new Table("LOGIN", "PASSWORD", "KEYS", "PERMISSIONS", "EXPIRES");
                for (JsonNode u : answer.path("users")) {
                    List<String> perms = new ArrayList<>();
                    u.path("permissions").forEach(p -> perms.add(p.asText()));
                    t.row(u.path("login").asText(), u.path("hasPassword").asBoolean() ? "yes" : "no",
                            Integer.toString(u.path("publicKeys").size()), String.join(",", perms),
                            u.hasNonNull("expiresAt") ? u.get("expiresAt").asText() : "never");
                }
                cli.out().print(t.render());
            }
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
            String id = cli.resolver().resolve(server).id();
            cli.api().deleteSftpUser(id, username);
            cli.out().println("deleted " + username);
            cli.out().flush();
            return 0;
        }
    }
}
