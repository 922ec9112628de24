package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.wire.auth.TokenDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code raptorctl token SERVER --perm ...}: a short-lived signed token for one server (browser consoles, downloads). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Issue a signed token for one server (at most 15 minutes) and print it.",
                "Permissions: console.read, console.write, power, files.read, files.write, install.read."})
public final class TokenCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = "--perm", paramLabel = "PERMISSION", required = true, split = ",",
            description = "A permission to grant (repeatable or comma-separated).")
    List<String> permissions = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", converter = SpecOptions.DurationConverter.class,
            description = "How long the token is valid, e.g. 10m (default: the daemon's).")
    Duration ttl;

    @Option(names = "--json", description = "Print the daemon's answer (token and expiry) as JSON.")
    boolean json;

    @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Override
    public Integer call() {
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw CliException.usage("--ttl must be positive");
        }
        List<String> perms = permissions.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        Cli cli = root.cli();
        TokenDocument answer = cli.server(server).token(perms, ttl);
        if (json) {
            cli.printJson(answer);
            return 0;
        }
        cli.out().println(answer.token());
        cli.out().flush();
        if (answer.expiresAt() != null && cli.terminal().interactive()) {
            cli.err().println("expires " + answer.expiresAt() + "; permissions " + Arrays.toString(perms.toArray()));
            cli.err().flush();
        }
        return 0;
    }
}
