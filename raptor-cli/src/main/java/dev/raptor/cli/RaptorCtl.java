package dev.raptor.cli;

import dev.raptor.cli.api.DaemonAddress;
import dev.raptor.cli.api.ServerResolver;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.client.RaptorClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;

/** The {@code raptorctl} command: where the daemon is, and the verbs. */
@Command(name = "raptorctl",
        mixinStandardHelpOptions = true,
        versionProvider = RaptorCtl.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Manage the game servers of a Raptor node, docker style.", ""},
        footer = {"", "SERVER is a server id, a unique id prefix, or a name.",
                "The daemon is reached on its Unix socket ($RAPTOR_SOCKET, else $RAPTOR_DATA_DIR/raptor.sock, else "
                        + DaemonAddress.DEFAULT_DATA_DIR + "/" + DaemonAddress.SOCKET_FILE + "),",
                "or over HTTP(S) with --host URL and $RAPTOR_API_KEY (a private CA: --ca FILE or $RAPTOR_CA).",
                "Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 conflict, 5 daemon unreachable."})
public final class RaptorCtl implements Runnable {

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The daemon's Unix socket (default: $RAPTOR_SOCKET, else $RAPTOR_DATA_DIR/raptor.sock).")
    String socket;

    @Option(names = {"-H", "--host"}, paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "A daemon over HTTP or HTTPS, e.g. http://10.0.0.5:8080 (default: $RAPTOR_HOST); unix:///PATH is a socket.")
    String host;

    @Option(names = "--api-key", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "The node API key (or a server token) for --host (default: $RAPTOR_API_KEY).")
    String apiKey;

    @Option(names = "--ca", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "For an https:// --host: the PEM certificate of the CA that signed the daemon's (default: $RAPTOR_CA; else the JDK's public CAs).")
    String ca;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final InputStream in;
    private final Terminal terminal;
    private final Clock clock;
    private Cli cli;

    public RaptorCtl(Map<String, String> env, InputStream in, Terminal terminal, Clock clock) {
        this.env = env;
        this.in = in;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** The context of this invocation; where the daemon is is decided here, from the flags and the environment. */
    public Cli cli() {
        if (cli == null) {
            DaemonAddress address;
            try {
                address = DaemonAddress.of(socket, host, apiKey, ca, env);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            RaptorClient client = address.client();
            CommandLine cl = spec.commandLine();
            cli = new Cli(client, ServerResolver.of(client), terminal, cl.getOut(), cl.getErr(), in, env, clock);
        }
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see raptorctl --help)");
    }

    /** The version the jar's manifest carries. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RaptorCtl.class.getPackage().getImplementationVersion();
            return new String[]{"raptorctl " + (v == null ? "(development build)" : v)};
        }
    }
}
