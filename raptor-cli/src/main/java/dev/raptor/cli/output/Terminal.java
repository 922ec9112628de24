package dev.raptor.cli.output;

import java.io.Console;
import java.util.function.UnaryOperator;

/**
 * What the output goes to: colour and screen redraws only on an interactive terminal (stdin and
 * stdout a TTY) and only when {@code NO_COLOR} is unset, so pipes and scripts get plain text.
 */
public record Terminal(boolean interactive, boolean colour) {
    private static final String RESET = "\u001b[0m";

    public static Terminal detect() {
        Console c = System.console();
        boolean tty = c != null && c.isTerminal();
        String noColor = System.getenv("NO_COLOR");
        return new Terminal(tty, tty && (noColor == null || noColor.isEmpty()));
    }

    public static Terminal plain() {
        return new Terminal(false, false);
    }

    public UnaryOperator<String> green() {
        return sgr("32");
    }

    public UnaryOperator<String> yellow() {
        return sgr("33");
    }

    public UnaryOperator<String> red() {
        return sgr("31");
    }

    public UnaryOperator<String> dim() {
        return sgr("2");
    }

    public UnaryOperator<String> bold() {
        return sgr("1");
    }

    /** The colour of a server state: running green, starting/stopping yellow, offline dim. */
    public UnaryOperator<String> forState(String state) {
        return switch (state == null ? "" : state) {
            case "running" -> green();
            case "starting", "stopping" -> yellow();
            case "offline" -> dim();
            default -> null;
        };
    }

    private UnaryOperator<String> sgr(String code) {
        return colour ? s -> "\u001b[" + code + "m" + s + RESET : UnaryOperator.identity();
    }

    /** Home the cursor and clear the screen, for tables that redraw in place. */
    public String clearScreen() {
        return "\u001b[H\u001b[2J";
    }
}
