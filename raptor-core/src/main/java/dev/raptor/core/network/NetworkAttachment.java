package dev.raptor.core.network;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A network a server joins, and the extra names it answers to there: on a network of its own (a bridge that
 * {@code POST /networks} made) a server is reachable by its container name and by each alias, from every other
 * container on it.
 *
 * @param name    the network's name
 * @param aliases extra host names of the server on that network
 */
public record NetworkAttachment(String name, List<String> aliases) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    public NetworkAttachment {
        aliases = aliases == null ? List.of() : List.copyOf(aliases.stream().map(a -> a == null ? "" : a.strip()).toList());
    }

    public static NetworkAttachment of(String name, String... aliases) {
        return new NetworkAttachment(name, List.of(aliases));
    }

    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(name != null && NAME.matcher(name).matches(), "name", "must be a network name: 1-64 of letters, digits, _ . - (was '" + name + "')");
        p.check(name == null || !(name.equals("host") || name.equals("none")), "name",
                "'" + name + "' is not a network a server can join beside others; servers get their own network stack");
        for (int i = 0; i < aliases.size(); i++) {
            String a = aliases.get(i);
            p.check(HOST.matcher(a).matches() && a.length() <= 253, "aliases[" + i + "]", "is not a valid host name (was '" + a + "')");
        }
        p.check(aliases.stream().distinct().count() == aliases.size(), "aliases", "must not repeat a name");
        return p.list();
    }
}
