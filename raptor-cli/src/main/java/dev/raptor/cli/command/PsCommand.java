package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import dev.raptor.wire.server.ServerDocument;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code raptorctl ps}: the servers, as a table or JSON. */
@Command(name = "ps", aliases = "ls", sortOptions = false, mixinStandardHelpOptions = true,
        description = "List servers (running, starting and stopping ones; -a for all).")
public final class PsCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-a", "--all"}, description = "Show every server, offline ones too.")
    boolean all;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "Filter: state=running|starting|stopping|offline, label=KEY or label=KEY=VALUE, name=PART "
                    + "(repeatable: the same key matches any of its values, different keys must all match).")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Only print server ids.")
    boolean quiet;

    @Option(names = "--no-trunc", description = "Print full ids.")
    boolean noTrunc;

    @Option(names = "--json", description = "Print the server documents as a JSON array.")
    boolean json;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        Filters f = Filters.parse(filters);
        boolean showAll = all || f.names().contains("state");
        List<ServerDocument> servers = new ArrayList<>();
        for (ServerDocument s : cli.client().servers().list().servers()) {
            if ((showAll || ServerDocs.isActive(s)) && f.matches(s)) {
                servers.add(s);
            }
        }
        servers.sort(java.util.Comparator.comparing(PsCommand::createdAt).reversed()); // newest first, like docker ps
        if (json) {
            cli.printJson(servers);
            return 0;
        }
        if (quiet) {
            servers.forEach(s -> cli.out().println(noTrunc ? ServerDocs.id(s) : ServerDocs.shortId(ServerDocs.id(s))));
        } else {
            cli.out().print(table(servers, cli, noTrunc));
        }
        cli.out().flush();
        return 0;
    }

    private static Instant createdAt(ServerDocument s) {
        return s.createdAt() == null ? Instant.EPOCH : s.createdAt();
    }

    static String table(List<ServerDocument> servers, Cli cli, boolean noTrunc) {
        Instant now = cli.clock().instant();
        Table t = new Table("ID", "NAME", "IMAGE", "STATE", "PORTS", "CREATED").styleColumn(3, cli.terminal()::forState);
        for (ServerDocument s : servers) {
            String id = ServerDocs.id(s);
            String state = ServerDocs.state(s);
            t.row(noTrunc ? id : ServerDocs.shortId(id), ServerDocs.name(s), s.spec().image() == null ? "" : s.spec().image(),
                    state, ServerDocs.ports(s), Human.ago(s.createdAt(), now));
        }
        return t.render();
    }

    /** {@code --filter} values grouped by key: OR within a key, AND across keys (docker's rule). */
    record Filters(Map<String, List<String>> byKey) {
        static Filters parse(List<String> raw) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String f : raw) {
                int eq = f.indexOf('=');
                if (eq <= 0) {
                    throw dev.raptor.cli.CliException.usage("filter '" + f + "' must be KEY=VALUE (state, label or name)");
                }
                String key = f.substring(0, eq).strip();
                if (!key.equals("state") && !key.equals("label") && !key.equals("name")) {
                    throw dev.raptor.cli.CliException.usage("unknown filter '" + key + "': use state, label or name");
                }
                String value = f.substring(eq + 1);
                if (key.equals("state") && !List.of("running", "starting", "stopping", "offline").contains(value)) {
                    throw dev.raptor.cli.CliException.usage("state filter must be running, starting, stopping or offline (was '" + value + "')");
                }
                m.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
            return new Filters(m);
        }

        java.util.Set<String> names() {
            return byKey.keySet();
        }

        boolean matches(ServerDocument s) {
            for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
                boolean any = false;
                for (String v : e.getValue()) {
                    any |= switch (e.getKey()) {
                        case "state" -> ServerDocs.state(s).equals(v);
                        case "name" -> ServerDocs.name(s).contains(v);
                        case "label" -> labelMatches(s.spec().labels() == null ? Map.of() : s.spec().labels(), v);
                        default -> false;
                    };
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        }

        private static boolean labelMatches(Map<String, String> labels, String v) {
            int eq = v.indexOf('=');
            if (eq < 0) {
                return labels.containsKey(v);
            }
            String actual = labels.get(v.substring(0, eq));
            return actual != null && actual.equals(v.substring(eq + 1));
        }
    }
}
