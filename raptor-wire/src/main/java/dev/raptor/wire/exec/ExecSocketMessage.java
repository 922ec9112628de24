package dev.raptor.wire.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;

import java.util.List;
import java.util.Map;

/**
 * A text message of the interactive exec socket ({@code GET /servers/{id}/exec/ws}), in either direction. The
 * bytes of the session travel in binary messages: from the client, its input as it is; from the daemon, one byte
 * naming the stream ({@link #STDOUT} or {@link #STDERR}) followed by the output.
 *
 * <ul>
 *   <li>client → daemon: {@code start} (first, once: the {@link ExecRequestDocument} members, the terminal's
 *       {@code columns} and {@code rows}, and a {@code token} when the upgrade carried no credentials),
 *       {@code resize} ({@code columns}, {@code rows}), {@code eof} (the input is over);</li>
 *   <li>daemon → client: {@code started}, {@code exit} ({@code exitCode}; the socket closes after it), {@code error}
 *       ({@code problem}; the socket closes after it).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecSocketMessage(String type, List<String> command, Map<String, String> environment, String workingDir,
                                String user, Boolean tty, Integer columns, Integer rows, String token, Integer exitCode,
                                Problem problem) {
    public static final String START = "start";
    public static final String RESIZE = "resize";
    public static final String EOF = "eof";
    public static final String STARTED = "started";
    public static final String EXIT = "exit";
    public static final String ERROR = "error";

    /** First byte of a binary message from the daemon: what follows is the command's stdout. */
    public static final byte STDOUT = 1;
    /** First byte of a binary message from the daemon: what follows is the command's stderr. */
    public static final byte STDERR = 2;

    /** The members a {@code start} message may have. */
    public static final java.util.Set<String> START_FIELDS = java.util.Set.of("type", "command", "environment", "workingDir", "user",
            "tty", "columns", "rows", "token");

    public static ExecSocketMessage started() {
        return new ExecSocketMessage(STARTED, null, null, null, null, null, null, null, null, null, null);
    }

    public static ExecSocketMessage exit(int code) {
        return new ExecSocketMessage(EXIT, null, null, null, null, null, null, null, null, code, null);
    }

    public static ExecSocketMessage error(Problem problem) {
        return new ExecSocketMessage(ERROR, null, null, null, null, null, null, null, null, null, problem);
    }

    public static ExecSocketMessage resize(int columns, int rows) {
        return new ExecSocketMessage(RESIZE, null, null, null, null, null, columns, rows, null, null, null);
    }

    public static ExecSocketMessage eof() {
        return new ExecSocketMessage(EOF, null, null, null, null, null, null, null, null, null, null);
    }

    /** A {@code start} message for {@code request}, in a terminal of {@code columns} x {@code rows} when {@code tty}. */
    public static ExecSocketMessage start(ExecRequestDocument request, Integer columns, Integer rows, String token) {
        return new ExecSocketMessage(START, request.command(), request.environment(), request.workingDir(), request.user(),
                request.tty(), columns, rows, token, null, null);
    }

    public String toJson() {
        return WireJson.write(this);
    }
}
