package dev.raptor.wire.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.wire.json.WireJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One message of the console socket ({@code GET /servers/{id}/ws}), in both directions:
 * {@code {"event": "...", "args": [...]}} with string arguments, as Pterodactyl's and Pelican's Wings
 * speak it so that their front ends can point at Raptor. {@code args} is left out when empty. The
 * events are the constants of this record.
 */
public record SocketMessage(String event, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> args) {

    // client -> daemon
    public static final String AUTH = "auth";
    public static final String SEND_LOGS = "send logs";
    public static final String SEND_STATS = "send stats";
    public static final String SEND_COMMAND = "send command";
    public static final String SET_STATE = "set state";

    // daemon -> client
    public static final String AUTH_SUCCESS = "auth success";
    public static final String CONSOLE_OUTPUT = "console output";
    public static final String STATUS = "status";
    public static final String STATS = "stats";
    public static final String DAEMON_MESSAGE = "daemon message";
    /**
     * A line of work before the server runs: one line of a running install script's output (needs {@code install.read}),
     * or a step of its image's pull (Wings sends its installer's output so).
     */
    public static final String INSTALL_OUTPUT = "install output";
    /**
     * A line the server's program wrote to its message socket ({@code messaging}; Wings has no such socket, so the
     * name follows its style): the argument is that line, a JSON document as a string.
     */
    public static final String CONTAINER_MESSAGE = "container message";
    public static final String DAEMON_ERROR = "daemon error";
    public static final String TOKEN_EXPIRING = "token expiring";
    public static final String TOKEN_EXPIRED = "token expired";
    public static final String JWT_ERROR = "jwt error";
    /** A long file operation moved on; the argument is its {@code OperationDocument} as JSON. */
    public static final String OPERATION_PROGRESS = "operation progress";
    /** A long file operation got its answer; the argument is its {@code OperationDocument} as JSON. */
    public static final String OPERATION_FINISHED = "operation finished";

    public SocketMessage {
        args = args == null ? List.of() : List.copyOf(args);
    }

    public static SocketMessage of(String event, String... args) {
        return new SocketMessage(event, List.of(args));
    }

    /** The first argument, if any. */
    public Optional<String> arg() {
        return args.isEmpty() ? Optional.empty() : Optional.of(args.getFirst());
    }

    /**
     * Reads a message. Lenient about arguments as Wings is: one that is not a string is taken as its JSON text.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static SocketMessage parse(String text) {
        JsonNode node;
        try {
            node = WireJson.parse(text);
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

    /** The message as the text frame that carries it. */
    public String toJson() {
        return WireJson.write(this);
    }
}
