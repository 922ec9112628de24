package dev.raptor.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.store.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One message of the console socket protocol, in both directions: {@code {"event": "...", "args": [...]}}
 * with string arguments, as Pterodactyl's and Pelican's Wings speak it so that their front ends can
 * point at Raptor.
 */
record SocketMessage(String event, List<String> args) {

    // client -> daemon
    static final String AUTH = "auth";
    static final String SEND_LOGS = "send logs";
    static final String SEND_STATS = "send stats";
    static final String SEND_COMMAND = "send command";
    static final String SET_STATE = "set state";

    // daemon -> client
    static final String AUTH_SUCCESS = "auth success";
    static final String CONSOLE_OUTPUT = "console output";
    static final String STATUS = "status";
    static final String STATS = "stats";
    static final String DAEMON_MESSAGE = "daemon message";
    static final String DAEMON_ERROR = "daemon error";
    static final String TOKEN_EXPIRING = "token expiring";
    static final String TOKEN_EXPIRED = "token expired";
    static final String JWT_ERROR = "jwt error";

    SocketMessage {
        args = List.copyOf(args);
    }

    static SocketMessage of(String event, String... args) {
        return new SocketMessage(event, List.of(args));
    }

    /** The first argument, if any. */
    Optional<String> arg() {
        return args.isEmpty() ? Optional.empty() : Optional.of(args.getFirst());
    }

    /**
     * Reads a client's message.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static SocketMessage parse(String text) {
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the message is not JSON");
        }
        if (node == null || !node.isObject() || !node.path("event").isTextual()) {
            throw new IllegalArgumentException("a message is {\"event\": \"...\", \"args\": [...]}");
        }
        List<String> args = new ArrayList<>();
        JsonNode a = node.get("args");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) {
                throw new IllegalArgumentException("args must be an array");
            }
            for (JsonNode v : a) {
                args.add(v.isTextual() ? v.asText() : v.toString());
            }
        }
        return new SocketMessage(node.get("event").asText(), args);
    }

    String toJson() {
        ObjectNode o = Json.object();
        o.put("event", event);
        if (!args.isEmpty()) {
            ArrayNode a = o.putArray("args");
            args.forEach(a::add);
        }
        return Json.write(o);
    }
}
