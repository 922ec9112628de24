package dev.raptor.wire.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.JsonObjectReader;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command to run inside a running server: the body of {@code POST /servers/{id}/exec}, and the {@code start}
 * message of the interactive exec socket ({@link ExecSocketMessage}).
 *
 * <pre>{@code
 * {"command": ["sh", "-c", "ls -la"], "environment": {"DEBUG": "1"}, "workingDir": "/home/container",
 *  "user": "1000", "tty": false, "timeoutSeconds": 30, "maxOutputBytes": 1048576}
 * }</pre>
 *
 * @param command        the program and its arguments (no shell unless it names one)
 * @param environment    variables added to the server's own
 * @param workingDir     absolute directory to run in; absent = the server's data directory
 * @param user           {@code name}, {@code uid} or {@code uid:gid}; absent = the server's user
 * @param tty            whether the command gets a terminal (stdout and stderr are then one stream)
 * @param timeoutSeconds {@code POST} only: how long it may run before it is killed (default 30, at most 3600)
 * @param maxOutputBytes {@code POST} only: how much of each of stdout and stderr is kept (default 1 MiB, at most 16 MiB)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecRequestDocument(List<String> command, Map<String, String> environment, String workingDir, String user,
                                  Boolean tty, BigDecimal timeoutSeconds, Integer maxOutputBytes) {
    /** The members a request may have; any other is an error. */
    public static final Set<String> FIELDS = Set.of("command", "environment", "workingDir", "user", "tty", "timeoutSeconds",
            "maxOutputBytes");

    /**
     * The request {@code r} holds, or null when it has problems (they are in the reader's collector, every one of
     * them, with the reader's path).
     */
    public static ExecRequest read(JsonObjectReader r) {
        int before = r.problems().list().size();
        List<JsonNode> nodes = r.array("command");
        List<String> command = new ArrayList<>();
        if (nodes == null) {
            if (!r.has("command")) {
                r.error("command", "is required: the program and its arguments, e.g. [\"sh\", \"-c\", \"ls\"]");
            }
        } else {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).isTextual()) {
                    command.add(nodes.get(i).asText());
                } else {
                    r.error("command[" + i + "]", "must be a string");
                }
            }
        }
        Map<String, String> environment = r.stringMap("environment");
        String workingDir = r.text("workingDir");
        String user = r.text("user");
        Boolean tty = r.bool("tty");
        Duration timeout = r.seconds("timeoutSeconds");
        Integer maxOutput = r.integer("maxOutputBytes");
        r.rejectUnknown(FIELDS, Set.of());
        List<String> reported = r.problems().list().subList(before, r.problems().list().size()).stream().map(FieldError::field).toList();
        try {
            ExecRequest request = new ExecRequest(command, environment, workingDir, user, Boolean.TRUE.equals(tty), timeout,
                    maxOutput == null ? 0 : maxOutput);
            return reported.isEmpty() ? request : null;
        } catch (InvalidSpecException e) {
            // the request's own rules too, so that one answer names everything; not again where the JSON was wrong
            for (FieldError f : e.errors()) {
                String field = r.pathOf(f.field());
                if (reported.stream().noneMatch(x -> field.equals(x) || field.startsWith(x + "[") || x.startsWith(field + "["))) {
                    r.error(f.field(), f.message());
                }
            }
            return null;
        }
    }
}
