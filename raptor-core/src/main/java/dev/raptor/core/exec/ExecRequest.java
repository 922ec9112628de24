package dev.raptor.core.exec;

import dev.raptor.core.validation.Problems;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A command to run inside a running server, beside its main process: {@code docker exec} for Raptor's servers.
 * Valid by construction: the canonical constructor names every bad field in one
 * {@link dev.raptor.core.validation.InvalidSpecException}.
 *
 * @param command        the program and its arguments (no shell unless it names one: {@code ["sh", "-c", "…"]})
 * @param environment    variables added to the server's own
 * @param workingDir     absolute directory to run in; null = the server's data directory
 * @param user           {@code name}, {@code uid} or {@code uid:gid} to run as; null = the server's own user
 *                       (the process runtime runs every command as the server's user and refuses another)
 * @param tty            whether the command gets a terminal (interactive sessions); stdout and stderr are one
 *                       stream then
 * @param timeout        non-interactive only: how long it may run before it is killed
 * @param maxOutputBytes non-interactive only: how much of each of stdout and stderr is kept (the rest is read
 *                       and dropped, so the command never blocks on a full pipe)
 */
public record ExecRequest(List<String> command, Map<String, String> environment, String workingDir, String user,
                          boolean tty, Duration timeout, int maxOutputBytes) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_MAX_OUTPUT = 1024 * 1024;
    public static final int MAX_OUTPUT = 16 * 1024 * 1024;

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}|[0-9]{1,10}(:[0-9]{1,10})?");
    private static final int MAX_ARGS = 1024;
    private static final int MAX_COMMAND_CHARS = 64 * 1024;

    public ExecRequest {
        Problems p = new Problems();
        command = command == null ? List.of() : List.copyOf(command.stream().map(a -> a == null ? "" : a).toList());
        p.check(!command.isEmpty() && !command.getFirst().isEmpty(), "command", "is required: the program and its arguments, e.g. [\"sh\", \"-c\", \"ls\"]");
        p.check(command.size() <= MAX_ARGS, "command", "has more than " + MAX_ARGS + " arguments");
        p.check(command.stream().mapToInt(String::length).sum() <= MAX_COMMAND_CHARS, "command",
                "is longer than " + MAX_COMMAND_CHARS + " characters");
        for (int i = 0; i < command.size(); i++) {
            p.check(command.get(i).indexOf('\0') < 0, "command[" + i + "]", "must not contain NUL characters");
        }
        TreeMap<String, String> env = new TreeMap<>();
        if (environment != null) {
            environment.forEach((k, v) -> {
                p.check(k != null && ENV_NAME.matcher(k).matches(), "environment." + k, "is not a valid variable name (letters, digits, _)");
                p.check(v != null && v.indexOf('\0') < 0, "environment." + k, "must be a string without NUL characters");
                if (k != null && v != null) {
                    env.put(k, v);
                }
            });
        }
        environment = Collections.unmodifiableSortedMap(env);
        if (workingDir != null && workingDir.isBlank()) {
            workingDir = null;
        }
        p.check(workingDir == null || (workingDir.startsWith("/") && workingDir.indexOf('\0') < 0), "workingDir",
                "must be an absolute path (was '" + workingDir + "')");
        if (user != null && user.isBlank()) {
            user = null;
        }
        p.check(user == null || USER.matcher(user).matches(), "user", "must be a user name, a uid or uid:gid (was '" + user + "')");
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        p.check(!timeout.isNegative() && timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(MAX_TIMEOUT) <= 0,
                "timeoutSeconds", "must be between 1 and " + MAX_TIMEOUT.toSeconds() + " seconds");
        maxOutputBytes = maxOutputBytes == 0 ? DEFAULT_MAX_OUTPUT : maxOutputBytes;
        p.check(maxOutputBytes > 0 && maxOutputBytes <= MAX_OUTPUT, "maxOutputBytes",
                "must be between 1 and " + MAX_OUTPUT + " (was " + maxOutputBytes + ")");
        p.throwIfAny();
    }

    /** A non-interactive command with the defaults. */
    public static ExecRequest of(String... command) {
        return new ExecRequest(List.of(command), Map.of(), null, null, false, null, 0);
    }

    /** An interactive session in a terminal. */
    public static ExecRequest interactive(String... command) {
        return new ExecRequest(List.of(command), Map.of(), null, null, true, null, 0);
    }

    public ExecRequest withTimeout(Duration t) {
        return new ExecRequest(command, environment, workingDir, user, tty, t, maxOutputBytes);
    }

    public ExecRequest withMaxOutputBytes(int bytes) {
        return new ExecRequest(command, environment, workingDir, user, tty, timeout, bytes);
    }

    public ExecRequest withEnvironment(Map<String, String> env) {
        return new ExecRequest(command, env, workingDir, user, tty, timeout, maxOutputBytes);
    }

    public ExecRequest withWorkingDir(String dir) {
        return new ExecRequest(command, environment, dir, user, tty, timeout, maxOutputBytes);
    }

    public ExecRequest withUser(String u) {
        return new ExecRequest(command, environment, workingDir, u, tty, timeout, maxOutputBytes);
    }

    /** The command line as a person would type it, for the activity log: arguments with spaces quoted. */
    public String commandLine() {
        StringBuilder b = new StringBuilder();
        for (String arg : command) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            boolean plain = !arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0);
            b.append(plain ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
