package dev.raptor.cli.api;

import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.server.ServerDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns what an operator types for SERVER into one server, like docker does for containers: a full
 * id, else an exact name, else a unique id prefix. Two servers that match equally well are an error
 * listing both, never a guess. The server list is fetched at most once per command.
 */
public final class ServerResolver {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Supplier<List<ServerDocument>> lister;
    private List<ServerDocument> servers;

    public ServerResolver(Supplier<List<ServerDocument>> lister) {
        this.lister = lister;
    }

    public static ServerResolver of(RaptorClient client) {
        return new ServerResolver(() -> client.servers().list().servers());
    }

    /** The server {@code ref} names. */
    public ServerRef resolve(String ref) {
        if (ref == null || ref.isBlank()) {
            throw CliException.usage("a server id or name is required");
        }
        String wanted = ref.strip();
        List<ServerDocument> all = servers();
        String lower = wanted.toLowerCase(Locale.ROOT);
        // 1. the full id
        for (ServerDocument s : all) {
            if (id(s).equalsIgnoreCase(wanted)) {
                return ServerRef.of(s);
            }
        }
        // 2. an exact name (names are unique by convention only, so check)
        List<ServerDocument> byName = all.stream().filter(s -> name(s).equals(wanted)).toList();
        if (byName.size() == 1) {
            return ServerRef.of(byName.getFirst());
        }
        if (byName.size() > 1) {
            throw ambiguous(wanted, byName, "name");
        }
        // 3. a unique id prefix
        if (!UUID.matcher(wanted).matches()) {
            List<ServerDocument> byPrefix = all.stream().filter(s -> id(s).toLowerCase(Locale.ROOT).startsWith(lower)).toList();
            if (byPrefix.size() == 1) {
                return ServerRef.of(byPrefix.getFirst());
            }
            if (byPrefix.size() > 1) {
                throw ambiguous(wanted, byPrefix, "id prefix");
            }
        }
        throw new CliException(ExitCode.NOT_FOUND, "no such server: " + wanted);
    }

    /** Resolves every ref; fails on the first one that does not resolve. */
    public List<ServerRef> resolveAll(List<String> refs) {
        List<ServerRef> out = new ArrayList<>();
        for (String r : refs) {
            out.add(resolve(r));
        }
        return out;
    }

    private List<ServerDocument> servers() {
        if (servers == null) {
            servers = lister.get();
        }
        return servers;
    }

    private static CliException ambiguous(String wanted, List<ServerDocument> matches, String how) {
        StringBuilder sb = new StringBuilder("'" + wanted + "' is ambiguous: it is the " + how + " of "
                + matches.size() + " servers; use more of the id:");
        for (ServerDocument s : matches) {
            sb.append(System.lineSeparator()).append("  ").append(id(s)).append("  ").append(name(s));
        }
        return CliException.usage(sb.toString());
    }

    static String id(ServerDocument s) {
        return s.spec().id() == null ? "" : s.spec().id().toString();
    }

    static String name(ServerDocument s) {
        return s.spec().name() == null ? "" : s.spec().name();
    }

    /** A resolved server: its id, its name, and the document it was found in. */
    public record ServerRef(String id, String name, ServerDocument document) {
        static ServerRef of(ServerDocument s) {
            return new ServerRef(ServerResolver.id(s), ServerResolver.name(s), s);
        }

        /** What messages call it: the name, or the short id when it has none. */
        public String label() {
            return name.isEmpty() ? id.substring(0, Math.min(8, id.length())) : name;
        }
    }
}
