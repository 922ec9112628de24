package dev.raptor.cli;

import dev.raptor.cli.api.DaemonAddress;
import dev.raptor.cli.api.ServerResolver;
import dev.raptor.cli.api.SocketGet;
import dev.raptor.cli.command.PsCommand;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.client.DaemonEndpoint;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code raptorctl ps} in its plain forms ({@code ps} or {@code ls} with any of {@code -a}, {@code -q},
 * {@code --no-trunc}, {@code --json}, each at most once), run without picocli and, on the Unix socket, without
 * the HTTP client. Those two were most of a {@code ps}: picocli's classes are compiled for Java 5, so the JDK's
 * AOT cache cannot hold them and each is loaded, verified and interpreted anew on every run while the command
 * model is built by reflection; and Jetty's client starts threads, pools and a selector for one request.
 * Here the list is one {@link SocketGet} and is printed by {@link PsCommand#print}, the code the picocli verb
 * prints with. Anything but a plain success on the socket is asked again through {@code RaptorClient} and
 * reported by {@link Failure}, as picocli's handler reports it; anything else on the command line (root
 * options, filters, help, a repeated or unknown flag) goes to picocli.
 */
final class QuickPs {
    /**
     * How long the daemon may take to answer on the socket before the client asks again (with its own 30 s
     * deadline): a daemon that slow is reported as every verb reports it, at the cost of this much more wait.
     */
    private static final Duration QUICK_BUDGET = Duration.ofSeconds(5);

    private QuickPs() {
    }

    /** Whether {@code args} is a plain {@code ps} that this class runs. */
    static boolean handles(String[] args) {
        if (args.length == 0 || !(args[0].equals("ps") || args[0].equals("ls"))) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String flag = canonical(args[i]);
            if (flag == null || !seen.add(flag)) {
                return false; // picocli says what is wrong with it
            }
        }
        return true;
    }

    static int run(String[] args, Map<String, String> env, InputStream in, OutputStream bytesOut, PrintWriter out,
                   PrintWriter err, Terminal terminal) {
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            flags.add(canonical(args[i]));
        }
        try {
            DaemonAddress address;
            try {
                address = DaemonAddress.of(null, null, null, null, env);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            boolean all = flags.contains("--all");
            boolean quiet = flags.contains("--quiet");
            boolean noTrunc = flags.contains("--no-trunc");
            boolean json = flags.contains("--json");
            Optional<ServerList> quick = address.endpoint() instanceof DaemonEndpoint.UnixSocket(Path socket)
                    ? SocketGet.json(socket, "/servers", QUICK_BUDGET).flatMap(QuickPs::decode) : Optional.empty();
            if (quick.isPresent()) {
                return PsCommand.print(quick.get().servers(), out, terminal, Clock.systemUTC(), all, quiet, noTrunc, json);
            }
            // not a plain success on the socket: the client asks again and reports whatever it is, as always
            RaptorClient client = address.client();
            Cli cli = new Cli(client, ServerResolver.of(client), terminal, out, err, in, bytesOut, env, Clock.systemUTC());
            return PsCommand.list(cli, all, List.of(), quiet, noTrunc, json);
        } catch (Exception e) {
            return Failure.report(e, err, terminal, env);
        }
    }

    /** The server list as the client reads it ({@code WireJson}); empty when it does not read as one. */
    private static Optional<ServerList> decode(byte[] body) {
        try {
            return Optional.of(WireJson.mapper().readValue(body, ServerList.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The long name of a flag of {@code ps} without a value; null for anything else. */
    private static String canonical(String arg) {
        return switch (arg) {
            case "-a", "--all" -> "--all";
            case "-q", "--quiet" -> "--quiet";
            case "--no-trunc" -> "--no-trunc";
            case "--json" -> "--json";
            default -> null;
        };
    }
}
