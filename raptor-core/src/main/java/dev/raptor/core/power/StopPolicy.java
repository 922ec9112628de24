package dev.raptor.core.power;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How a server is asked to stop, and how long it gets before it is killed.
 * Game servers save the world on their own stop command, so that is the usual choice; a signal suits
 * servers that handle SIGTERM/SIGINT; RCON suits servers that read no console at all.
 */
public sealed interface StopPolicy {

    /** After this long the server is killed, however the request went. */
    Duration timeout();

    /** Type name on the wire: {@code command}, {@code signal} or {@code rcon}. */
    String type();

    /** The command or signal name; for RCON, the command sent over RCON. */
    String value();

    Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    Duration MAX_TIMEOUT = Duration.ofHours(1);
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Signals a stop policy may name (SIGKILL is what the timeout does; it is not a request). */
    Set<String> SIGNALS = Set.of("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2");

    /** Writes {@code command} to the server's console (stdin). */
    record Command(String value, Duration timeout) implements StopPolicy {
        public Command {
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String type() {
            return "command";
        }
    }

    /** Sends a signal to the server's main process (container PID 1, or the process group). */
    record Signal(String value, Duration timeout) implements StopPolicy {
        public Signal {
            Objects.requireNonNull(timeout, "timeout");
            if (value != null) {
                String upper = value.trim().toUpperCase(Locale.ROOT);
                value = upper.startsWith("SIG") ? upper : "SIG" + upper;
            }
        }

        @Override
        public String type() {
            return "signal";
        }
    }

    /** Sends {@code value} over RCON to {@code port} on the server's primary IP, authenticated with {@code password}. */
    record Rcon(String value, int port, String password, Duration timeout) implements StopPolicy {
        public Rcon {
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String type() {
            return "rcon";
        }

        @Override
        public String toString() {
            return "Rcon[value=" + value + ", port=" + port + ", password=***, timeout=" + timeout + "]";
        }
    }

    static StopPolicy command(String command, Duration timeout) {
        return new Command(command, timeout);
    }

    static StopPolicy signal(String signal, Duration timeout) {
        return new Signal(signal, timeout);
    }

    static StopPolicy rcon(int port, String password, String command, Duration timeout) {
        return new Rcon(command, port, password, timeout);
    }

    /** The default: SIGTERM with 30 seconds of grace, what `docker stop` does. */
    static StopPolicy defaultPolicy() {
        return new Signal("SIGTERM", DEFAULT_TIMEOUT);
    }

    /** Field errors relative to the policy ({@code value}, {@code timeoutSeconds}...). */
    default List<FieldError> problems() {
        Problems p = new Problems();
        p.check(timeout().compareTo(MIN_TIMEOUT) >= 0 && timeout().compareTo(MAX_TIMEOUT) <= 0, "timeoutSeconds",
                "must be between 1 and 3600 seconds (was " + timeout().toSeconds() + ")");
        switch (this) {
            case Command c -> {
                p.check(c.value() != null && !c.value().isBlank(), "value", "a command stop policy needs the console command, e.g. stop");
                p.check(c.value() == null || c.value().indexOf('\n') < 0 && c.value().indexOf('\r') < 0, "value",
                        "must be a single line");
            }
            case Signal s -> p.check(s.value() != null && SIGNALS.contains(s.value()), "value",
                    "must be one of " + String.join(", ", SIGNALS.stream().sorted().toList()) + " (was '" + s.value() + "')");
            case Rcon r -> {
                p.check(r.port() >= 1 && r.port() <= 65535, "port", "must be between 1 and 65535 (was " + r.port() + ")");
                p.check(r.password() != null && !r.password().isEmpty(), "password", "RCON needs a password");
                p.check(r.value() != null && !r.value().isBlank(), "value", "an RCON stop policy needs the command to send, e.g. stop");
            }
        }
        return p.list();
    }
}
