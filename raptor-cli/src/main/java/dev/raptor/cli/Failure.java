package dev.raptor.cli;

import dev.raptor.cli.api.DaemonErrors;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.client.RaptorException;
import java.io.PrintWriter;
import java.util.Map;

/**
 * How raptorctl reports a verb that failed: {@code Error: <why>} on standard error (the stack trace too with
 * {@code RAPTOR_DEBUG}) and the exit code that says what kind of failure it was ({@link ExitCode}). Picocli's
 * execution handler and {@link QuickPs} both report through here, so a failure reads the same either way.
 */
final class Failure {
    private Failure() {
    }

    static int report(Exception e, PrintWriter err, Terminal terminal, Map<String, String> env) {
        int code;
        String message;
        if (e instanceof CliException c) {
            code = c.exitCode();
            message = c.getMessage();
        } else if (e instanceof RaptorException r) {
            CliException c = DaemonErrors.of(r);
            code = c.exitCode();
            message = c.getMessage();
        } else {
            code = ExitCode.FAILURE;
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        err.println(terminal.red().apply("Error:") + " " + message);
        if (env.containsKey("RAPTOR_DEBUG")) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
