package dev.raptor.api.servers;

import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.core.server.ServerState;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The filters of {@code GET /api/v1/servers}: {@code state} (repeatable: any of), {@code label=k=v}
 * or {@code label=k} (repeatable: all of), {@code name} (exact).
 */
public record ServerFilter(List<ServerState> states, Map<String, String> labels, List<String> labelKeys, String name)
        implements Predicate<ServerSnapshot> {

    /** No filter: every server. */
    public static final ServerFilter ALL = new ServerFilter(List.of(), Map.of(), List.of(), null);

    public static ServerFilter of(Context ctx) {
        String query = ctx.queryString();
        if (query == null || query.isEmpty()) {
            return ALL; // a panel's poll: nothing to parse, nothing to make
        }
        List<ServerState> states = new ArrayList<>();
        for (String raw : ctx.queryParams("state")) {
            for (String s : raw.split(",")) {
                try {
                    states.add(ServerState.parse(s.strip()));
                } catch (IllegalArgumentException e) {
                    throw ProblemException.invalidParameter("state", e.getMessage());
                }
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (String raw : ctx.queryParams("label")) {
            int eq = raw.indexOf('=');
            String key = eq < 0 ? raw : raw.substring(0, eq);
            if (key.isBlank()) {
                throw ProblemException.invalidParameter("label", "must be key=value or key (was '" + raw + "')");
            }
            if (eq < 0) {
                keys.add(key);
            } else {
                labels.put(key, raw.substring(eq + 1));
            }
        }
        List<String> names = ctx.queryParams("name");
        return new ServerFilter(List.copyOf(states), Map.copyOf(labels), List.copyOf(keys), names.isEmpty() ? null : names.getLast());
    }

    /** Whether every server passes (no member filters anything). */
    public boolean passesEverything() {
        return states.isEmpty() && labels.isEmpty() && labelKeys.isEmpty() && name == null;
    }

    @Override
    public boolean test(ServerSnapshot s) {
        if (!states.isEmpty() && !states.contains(s.state())) {
            return false;
        }
        Map<String, String> have = s.stored().spec().labels();
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (!l.getValue().equals(have.get(l.getKey()))) {
                return false;
            }
        }
        for (String k : labelKeys) {
            if (!have.containsKey(k)) {
                return false;
            }
        }
        return name == null || name.equals(s.stored().spec().name());
    }
}
