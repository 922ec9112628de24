package dev.raptor.wire.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The filters of {@code GET /servers}, applied by the daemon: states (any of them), labels (all of
 * them, {@code key=value} or just the key), an exact name.
 *
 * <pre>{@code
 * raptor.servers().list(ServerQuery.all().state("running").label("team", "blue"))
 * }</pre>
 */
public record ServerQuery(List<String> states, List<String> labels, String name) {
    public ServerQuery {
        states = List.copyOf(states);
        labels = List.copyOf(labels);
    }

    /** No filter: every server. */
    public static ServerQuery all() {
        return new ServerQuery(List.of(), List.of(), null);
    }

    /** Also in {@code state} ({@code offline}, {@code starting}, {@code running}, {@code stopping}). */
    public ServerQuery state(String state) {
        return new ServerQuery(plus(states, state), labels, name);
    }

    /** Only with the label {@code key} set to {@code value}. */
    public ServerQuery label(String key, String value) {
        return new ServerQuery(states, plus(labels, key + "=" + value), name);
    }

    /** Only with the label {@code key}, whatever its value. */
    public ServerQuery labelKey(String key) {
        return new ServerQuery(states, plus(labels, key), name);
    }

    /** Only the server named exactly {@code name}. */
    public ServerQuery name(String name) {
        return new ServerQuery(states, labels, name);
    }

    /** The query string, {@code ""} or {@code ?state=running&label=team%3Dblue}. */
    String toQuery() {
        StringBuilder q = new StringBuilder();
        states.forEach(s -> param(q, "state", s));
        labels.forEach(l -> param(q, "label", l));
        if (name != null) {
            param(q, "name", name);
        }
        return q.toString();
    }

    private static void param(StringBuilder q, String key, String value) {
        q.append(q.isEmpty() ? '?' : '&').append(key).append('=').append(DaemonHttp.segment(value));
    }

    private static List<String> plus(List<String> list, String value) {
        List<String> next = new ArrayList<>(list);
        next.add(value);
        return next;
    }
}
