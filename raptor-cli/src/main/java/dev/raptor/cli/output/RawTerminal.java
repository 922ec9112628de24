package dev.raptor.cli.output;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The controlling terminal in raw mode for an interactive exec: every key goes to the command as typed (Ctrl-C
 * included, which the remote terminal turns into SIGINT), nothing is echoed locally. Done with {@code stty} on
 * {@code /dev/tty}, as the JDK has no terminal-mode API; {@link #close()} puts back the settings it found.
 */
public final class RawTerminal implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");

    private final String saved;

    private RawTerminal(String saved) {
        this.saved = saved;
    }

    /** Columns and rows of a terminal. */
    public record Size(int columns, int rows) {
    }

    /** Switches the controlling terminal to raw mode. */
    public static RawTerminal enter() throws IOException {
        String saved = stty("-g").strip();
        stty("raw", "-echo");
        return new RawTerminal(saved);
    }

    /** The controlling terminal's size, or null when it has none (0 x 0) or cannot be asked. */
    public static Size size() {
        try {
            String[] rowsCols = stty("size").strip().split("\\s+");
            int rows = Integer.parseInt(rowsCols[0]);
            int columns = Integer.parseInt(rowsCols[1]);
            return rows > 0 && columns > 0 ? new Size(columns, rows) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            stty(saved);
        } catch (IOException e) {
            // the terminal went; nothing to restore
        }
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed (no terminal?)");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
