package dev.raptor.core.testing;

import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What an exec runs inside a {@link FakeEngine} container: a few shell builtins, enough for the tests that a real
 * busybox shell runs on Docker and on processes to read the same here.
 *
 * <ul>
 *   <li>{@code echo [-n] WORDS}, {@code pwd}, {@code whoami}, {@code stty size} (rows and
 *       columns, in a terminal), {@code true}, {@code false},
 *       {@code exit [N]}, {@code sleep SECONDS} (program time, see {@link FakeEngine#timeScale});</li>
 *   <li>{@code sh -c SCRIPT} runs the script, whose commands are separated by {@code ;} or newlines; a command line
 *       given as a list runs as one command;</li>
 *   <li>anything else prints {@code sh: NAME: not found} on stderr and ends the command with 127.</li>
 * </ul>
 * Words are split at blanks; single and double quotes group them; {@code $NAME} expands outside single quotes.
 */
final class FakeShell {
    /** How a command ended: its exit code, and whether the shell should go on with the next one. */
    record Status(int code, boolean exit) {
    }

    /** Sleeps {@code d} of program time; false when the sleep was cut short (the session ended, a timeout). */
    @FunctionalInterface
    interface Sleeper {
        boolean sleep(Duration d);
    }

    private final ExecRequest request;
    private final Map<String, String> environment;
    private final BiConsumer<ExecStream, String> out;
    private final Sleeper sleeper;
    private final java.util.function.Supplier<int[]> terminalSize;
    private int last;

    /** @param terminalSize columns and rows of the session's terminal; null without one */
    FakeShell(ExecRequest request, Map<String, String> serverEnvironment, BiConsumer<ExecStream, String> out, Sleeper sleeper,
              java.util.function.Supplier<int[]> terminalSize) {
        this.request = request;
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>(serverEnvironment);
        env.putAll(request.environment());
        this.environment = env;
        this.out = out;
        this.sleeper = sleeper;
        this.terminalSize = terminalSize;
    }

    /** Whether the request runs a shell that reads its input (an interactive {@code sh} without {@code -c}). */
    static boolean readsInput(ExecRequest request) {
        List<String> c = request.command();
        return c.size() == 1 && (c.getFirst().equals("sh") || c.getFirst().equals("/bin/sh"));
    }

    /** Runs the request's command to its end; the exit code. */
    int runCommand() {
        List<String> c = request.command();
        if (c.size() >= 3 && (c.get(0).equals("sh") || c.get(0).equals("/bin/sh")) && c.get(1).equals("-c")) {
            return runScript(c.get(2)).code();
        }
        return run(c).code();
    }

    /** Runs one line of input or of a script. */
    Status runScript(String script) {
        Status s = new Status(0, false);
        for (String part : script.split("[;\n]")) {
            List<String> words = words(part);
            if (words.isEmpty()) {
                continue;
            }
            s = run(words);
            if (s.exit()) {
                return s;
            }
        }
        return s;
    }

    private Status run(List<String> words) {
        String cmd = words.getFirst();
        List<String> args = words.subList(1, words.size());
        int code = switch (cmd) {
            case "echo" -> {
                boolean newline = args.isEmpty() || !args.getFirst().equals("-n");
                out.accept(ExecStream.STDOUT, String.join(" ", newline ? args : args.subList(1, args.size())) + (newline ? "\n" : ""));
                yield 0;
            }
            case "pwd" -> {
                out.accept(ExecStream.STDOUT, (request.workingDir() == null ? "/home/container" : request.workingDir()) + "\n");
                yield 0;
            }
            case "whoami" -> {
                out.accept(ExecStream.STDOUT, (request.user() == null ? "container" : request.user()) + "\n");
                yield 0;
            }
            case "stty" -> {
                if (terminalSize == null || !args.equals(List.of("size"))) {
                    out.accept(ExecStream.STDERR, "stty: standard input: Not a tty\n");
                    yield 1;
                }
                int[] size = terminalSize.get();
                out.accept(ExecStream.STDOUT, size[1] + " " + size[0] + "\n");
                yield 0;
            }
            case "true" -> 0;
            case "false" -> 1;
            case "exit" -> {
                int n = args.isEmpty() ? last : parse(args.getFirst());
                yield -1000 - n;
            }
            case "sleep" -> {
                Duration d = Duration.ofMillis((long) (Double.parseDouble(args.isEmpty() ? "0" : args.getFirst()) * 1000));
                yield sleeper.sleep(d) ? 0 : 137;
            }
            default -> {
                out.accept(ExecStream.STDERR, "sh: " + cmd + ": not found\n");
                yield 127;
            }
        };
        if (code <= -1000) {
            last = -1000 - code;
            return new Status(last, true);
        }
        last = code;
        return new Status(code, false);
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s) & 0xff;
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    /** Splits a line into words: blanks separate, quotes group, {@code $NAME} expands outside single quotes. */
    List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '$' && quote != '\'' && i + 1 < line.length() && (Character.isLetter(line.charAt(i + 1)) || line.charAt(i + 1) == '_')) {
                int end = i + 1;
                while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
                    end++;
                }
                w.append(environment.getOrDefault(line.substring(i + 1, end), ""));
                inWord = true;
                i = end - 1;
            } else if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    w.append(ch);
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(ch);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
