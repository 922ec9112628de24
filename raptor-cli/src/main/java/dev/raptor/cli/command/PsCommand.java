package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.JsonOutput;
import dev.raptor.cli.output.Table;
import dev.raptor.cli.output.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import dev.raptor.wire.server.ServerDocument;

import java.io.PrintWriter;
import java.time.Clock;
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
        return list(root.cli(), all, filters, quiet, noTrunc, json);
    }

    /** Asks the daemon for its servers and prints them as {@code ps} with these options does. */
    public static int list(Cli cli, boolean all, List<String> filters, boolean quiet, boolean noTrunc, boolean json) {
        Filters f = Filters.parse(filters);
        return print(cli.client().servers().list().servers(), f, cli.out(), cli.terminal(), cli.clock(), all, quiet, noTrunc, json);
    }

    /**
     * Prints the plain forms (no filter) of {@code ps} for servers already fetched: what
     * {@link dev.raptor.cli.QuickPs} prints with {@code --json}, with the same code as this verb.
     */
    public static int print(List<ServerDocument> fetched, PrintWriter out, Terminal terminal, Clock clock, boolean all, boolean quiet,
                            boolean noTrunc, boolean json) {
        return print(fetched, Filters.parse(List.of()), out, terminal, clock, all, quiet, noTrunc, json);
    }

    private static int print(List<ServerDocument> fetched, Filters f, PrintWriter out, Terminal terminal, Clock clock, boolean all,
                             boolean quiet, boolean noTrunc, boolean json) {
        boolean showAll = all || f.names().contains("state");
        List<ServerDocument> servers = new ArrayList<>();
        for (ServerDocument s : fetched) {
            if ((showAll || ServerDocs.isActive(s)) && f.matches(s)) {
                servers.add(s);
            }
        }
        if (!json) {
            return printRows(servers.stream().map(PsRow::of).toList(), out, terminal, clock, true, quiet, noTrunc);
        }
        servers.sort(java.util.Comparator.comparing(PsCommand::createdAt).reversed()); // newest first, like docker ps
        out.println(JsonOutput.pretty(servers));
        out.flush();
        return 0;
    }

    /**
     * Prints the table (or, {@code quiet}, the ids) of the plain forms of {@code ps} for rows already read: the active
     * servers (all of them with {@code all}), newest first. The full verb prints through here too, so
     * {@link dev.raptor.cli.QuickPs}, which reads the rows without the wire records, prints the same.
     */
    public static int printRows(List<PsRow> fetched, PrintWriter out, Terminal terminal, Clock clock, boolean all, boolean quiet,
                                boolean noTrunc) {
        List<PsRow> rows = new ArrayList<>();
        for (PsRow r : fetched) {
            if (all || r.active()) {
                rows.add(r);
            }
        }
        rows.sort(NEWEST_FIRST);
        if (quiet) {
            for (PsRow r : rows) {
                out.println(noTrunc ? r.id() : ServerDocs.shortId(r.id()));
            }
        } else {
            out.print(table(rows, clock, terminal, noTrunc));
        }
        out.flush();
        return 0;
    }

    /**
     * Newest first, like docker ps (a stable sort: equal times keep the daemon's order). A class, not a lambda: this
     * is on {@code QuickPs}'s path, where each lambda costs a class spun at run time.
     */
    private static final java.util.Comparator<PsRow> NEWEST_FIRST = new java.util.Comparator<>() {
        @Override
        public int compare(PsRow a, PsRow b) {
            return b.sortKey().compareTo(a.sortKey());
        }
    };

    private static Instant createdAt(ServerDocument s) {
        return s.createdAt() == null ? Instant.EPOCH : s.createdAt();
    }

    static String table(List<PsRow> rows, Clock clock, Terminal terminal, boolean noTrunc) {
        Instant now = clock.instant();
        Table t = new Table("ID", "NAME", "IMAGE", "STATE", "PORTS", "CREATED").styleColumn(3, terminal::forState);
        for (PsRow r : rows) {
            t.row(noTrunc ? r.id() : ServerDocs.shortId(r.id()), r.name(), r.image(), r.state(), r.ports(), Human.ago(r.createdAt(), now));
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
