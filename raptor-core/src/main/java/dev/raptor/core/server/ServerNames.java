package dev.raptor.core.server;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The rule that makes a name a server's handle on this node: no two servers share one, ignoring case
 * ({@code Lobby} and {@code lobby} are the same name to an operator typing it). Stores enforce it in the
 * transaction that writes the name. A server that already shares its name (a store written before the
 * rule) keeps it until it is renamed.
 */
public final class ServerNames {
    private ServerNames() {
    }

    /** The form two names are compared in. */
    public static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    public static boolean same(String a, String b) {
        return key(a).equals(key(b));
    }

    /**
     * Checks that server {@code id} may be written as {@code name}.
     *
     * @param before the server's name now; null for a new server
     * @param names  every server of the node by id, with its name
     * @throws NameTakenException when another server has the name and the server did not have it already
     */
    public static void check(UUID id, String name, String before, Map<UUID, String> names) {
        if (before != null && same(before, name)) {
            return;
        }
        for (Map.Entry<UUID, String> e : names.entrySet()) {
            if (!e.getKey().equals(id) && same(e.getValue(), name)) {
                throw new NameTakenException(id, name, e.getKey(), e.getValue());
            }
        }
    }
}
