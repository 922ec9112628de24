package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.output.Table;
import dev.raptor.cli.spec.KeyValue;
import dev.raptor.wire.client.ServerClient;
import dev.raptor.wire.network.NetworkCreateRequest;
import dev.raptor.wire.network.NetworkDocument;
import dev.raptor.wire.network.NetworkList;
import dev.raptor.wire.server.NetworkAttachmentDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerPatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl network create|ls|rm|connect|disconnect}: bridge networks on which servers reach each other by
 * name. Connecting a server changes its spec's {@code networks} (a merge patch on the version just read), so it
 * joins at its next start, or at once with {@code --now} (its container is recreated).
 */
@Command(name = "network", mixinStandardHelpOptions = true,
        description = {"Manage networks: servers on one reach each other by name (and by their aliases).",
                "raptorctl network create eu && raptorctl network connect --alias hub eu lobby --now"},
        subcommands = {NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Rm.class, NetworkCommand.Connect.class,
                NetworkCommand.Disconnect.class})
public final class NetworkCommand extends VerbGroup {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a bridge network.")
    public static final class Create implements Callable<Integer> {
        @ParentCommand
        NetworkCommand parent;

        @Parameters(paramLabel = "NAME", description = "1-64 of letters, digits, _ . -")
        String name;

        @Option(names = "--subnet", paramLabel = "CIDR", description = "Its IPv4 subnet, e.g. 10.42.0.0/24 (default: the engine's choice).")
        String subnet;

        @Option(names = "--internal", description = "Cut it off from the outside.")
        boolean internal;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable).")
        List<String> labels = new ArrayList<>();

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            Map<String, String> l = new LinkedHashMap<>();
            for (String label : labels) {
                KeyValue kv;
                try {
                    kv = KeyValue.parse(label);
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--label " + e.getMessage());
                }
                l.put(kv.key(), kv.value());
            }
            NetworkDocument made = cli.client().networks().create(new NetworkCreateRequest(name, subnet, internal ? Boolean.TRUE : null,
                    l.isEmpty() ? null : l));
            if (json) {
                cli.printJson(made);
            } else {
                cli.out().println(made.name());
                cli.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the networks Raptor made.")
    public static final class Ls implements Callable<Integer> {
        @ParentCommand
        NetworkCommand parent;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            NetworkList list = cli.client().networks().list();
            if (json) {
                cli.printJson(list.networks());
                return 0;
            }
            Table t = new Table("NAME", "SUBNET", "INTERNAL", "SERVERS", "CONTAINERS");
            for (NetworkDocument n : list.networks()) {
                t.row(n.name(), n.subnet() == null ? "" : n.subnet(), n.internal() ? "yes" : "no", Integer.toString(n.usedBy().size()),
                        Integer.toString(n.containers().size()));
            }
            cli.out().print(t.render());
            cli.out().flush();
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove networks; refused (exit 4) while a server names one.")
    public static final class Rm implements Callable<Integer> {
        @ParentCommand
        NetworkCommand parent;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            for (String name : names) {
                cli.client().networks().remove(name);
                cli.out().println("removed " + name);
                cli.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Put NETWORK in SERVER's spec: it joins at its next start, or at once with --now.")
    public static final class Connect implements Callable<Integer> {
        @ParentCommand
        NetworkCommand parent;

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "SERVER", description = "Server id, id prefix or name.")
        String server;

        @Option(names = "--alias", paramLabel = "NAME", description = "Another name the server answers to there (repeatable).")
        List<String> aliases = new ArrayList<>();

        @Option(names = "--now", description = "Recreate a running server now so that it joins at once.")
        boolean now;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerClient target = cli.server(server);
            ServerDocument doc = target.get();
            List<NetworkAttachmentDocument> networks = current(doc);
            networks.removeIf(a -> a.name().equals(network));
            networks.add(new NetworkAttachmentDocument(network, aliases.isEmpty() ? null : List.copyOf(aliases)));
            target.patch(ServerPatch.of().with("networks", networks), doc.version(), now);
            cli.out().println("connected " + server + " to " + network + (now ? "" : " (from its next start)"));
            cli.out().flush();
            return 0;
        }
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true,
            description = "Take NETWORK out of SERVER's spec: it leaves at its next start, or at once with --now.")
    public static final class Disconnect implements Callable<Integer> {
        @ParentCommand
        NetworkCommand parent;

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "SERVER", description = "Server id, id prefix or name.")
        String server;

        @Option(names = "--now", description = "Recreate a running server now so that it leaves at once.")
        boolean now;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            ServerClient target = cli.server(server);
            ServerDocument doc = target.get();
            List<NetworkAttachmentDocument> networks = current(doc);
            if (!networks.removeIf(a -> a.name().equals(network))) {
                throw new CliException(ExitCode.NOT_FOUND, server + " is not on " + network);
            }
            target.patch(ServerPatch.of().with("networks", networks), doc.version(), now);
            cli.out().println("disconnected " + server + " from " + network + (now ? "" : " (from its next start)"));
            cli.out().flush();
            return 0;
        }
    }

    private static List<NetworkAttachmentDocument> current(ServerDocument doc) {
        List<NetworkAttachmentDocument> n = doc.spec().networks();
        return n == null ? new ArrayList<>() : new ArrayList<>(n);
    }
}
