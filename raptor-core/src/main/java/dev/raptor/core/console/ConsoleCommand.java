package dev.raptor.core.console;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;

import java.util.ArrayList;
import java.util.List;

/**
 * One line for a server's console input, checked against the one rule every way in shares (the HTTP
 * route, the console WebSocket, raptorctl): 1 to {@value #MAX_LENGTH} characters, and a single line.
 * The runtime appends the newline itself, so a line break inside would smuggle in a second command that
 * nobody validated, and a NUL would cut the line short in the engine's attach stream.
 *
 * @param line the command as the server reads it, without a newline
 */
public record ConsoleCommand(String line) {
    /** The longest command accepted, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** The rule in words, for answers that name it in one sentence: "a command is " + RULE. */
    public static final String RULE = "one line of 1 to " + MAX_LENGTH + " characters";

    /** @throws InvalidSpecException naming the field {@code command} and everything wrong with it */
    public ConsoleCommand {
        List<String> problems = problems(line);
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems.stream().map(m -> new FieldError("command", m)).toList());
        }
    }

    /** @throws InvalidSpecException naming the field {@code command} and everything wrong with it */
    public static ConsoleCommand of(String line) {
        return new ConsoleCommand(line);
    }

    /** Whether {@code line} may be sent as a command. */
    public static boolean isValid(String line) {
        return problems(line).isEmpty();
    }

    /**
     * What is wrong with {@code line} as a command, each a phrase that follows the field's name
     * ("command must be ..."); empty when it is fine.
     */
    public static List<String> problems(String line) {
        List<String> out = new ArrayList<>(2);
        if (line == null) {
            out.add("is required, e.g. \"say hi\"");
            return out;
        }
        if (line.isEmpty() || line.length() > MAX_LENGTH) {
            out.add("must be 1 to " + MAX_LENGTH + " characters");
        }
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
            out.add("must be a single line (send several commands as several requests)");
        }
        return out;
    }
}
