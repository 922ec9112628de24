package dev.raptor.cli.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * raptorctl in a real pseudo-terminal, as an operator's terminal runs it: util-linux {@code script} (Debian's
 * bsdutils, installed by scripts/test-tools.sh) opens the terminal and runs raptorctl on it; what the test
 * writes is typed into it, what raptorctl prints is read back. The terminal can be resized and its modes read
 * from outside ({@code stty -F}), which is what a window manager and an observer do.
 */
final class PseudoTerminal implements AutoCloseable {
    private final Process script;
    private final OutputStream keys;
    private final StringBuilder screen = new StringBuilder();

    private PseudoTerminal(Process script) {
        this.script = script;
        this.keys = script.getOutputStream();
        InputStream out = script.getInputStream();
        Thread.ofPlatform().daemon().name("pty-reader").start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = out.read(buffer)) >= 0) {
                    String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                    synchronized (screen) {
                        screen.append(text);
                    }
                }
            } catch (IOException e) {
                // script ended
            }
        });
    }

    /** Starts {@code raptorctl args} (with {@code env}) on a new pseudo-terminal. */
    static PseudoTerminal run(Map<String, String> env, String... args) {
        List<String> raptorctl = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", Raptorctl.cliClassPath(), "dev.raptor.cli.RaptorctlMain"));
        raptorctl.addAll(List.of(args));
        String command = raptorctl.stream().map(PseudoTerminal::quoted).collect(Collectors.joining(" "));
        // -q: no start and done lines; -f: flush every write; -e: exit with raptorctl's code; -c: run it, not a shell
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("RAPTOR_") || k.equals("DAEMON_DATA_DIR"));
        pb.environment().putAll(env);
        pb.environment().put("SHELL", "/bin/sh");
        pb.environment().put("TERM", "xterm");
        try {
            return new PseudoTerminal(pb.start());
        } catch (IOException e) {
            throw new AssertionError("cannot start `script` (util-linux, Debian's bsdutils: scripts/test-tools.sh installs it): " + e, e);
        }
    }

    /** Types {@code text} into the terminal. */
    void type(String text) {
        try {
            keys.write(text.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        } catch (IOException e) {
            throw new AssertionError("the terminal took no more input (raptorctl ended?); it shows:\n" + screen(), e);
        }
    }

    /** Everything the terminal has shown so far. */
    String screen() {
        synchronized (screen) {
            return screen.toString();
        }
    }

    /** The terminal raptorctl runs on ({@code /dev/pts/N}), once raptorctl has started on it. */
    Path device() {
        ProcessHandle raptorctl = script.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError("raptorctl is not running under script; the terminal shows:\n" + screen()));
        try {
            Path tty = Files.readSymbolicLink(Path.of("/proc", Long.toString(raptorctl.pid()), "fd", "0"));
            if (!tty.toString().startsWith("/dev/pts/")) {
                throw new AssertionError("raptorctl's input is " + tty + ", not a pseudo-terminal");
            }
            return tty;
        } catch (IOException e) {
            throw new AssertionError("cannot read raptorctl's standard input: " + e, e);
        }
    }

    /** Resizes the terminal as a window manager does: the kernel then sends SIGWINCH to raptorctl. */
    void resize(int columns, int rows) {
        stty("-F", device().toString(), "cols", Integer.toString(columns), "rows", Integer.toString(rows));
    }

    /** The terminal's modes as {@code stty -a} prints them. */
    String modes() {
        return stty("-F", device().toString(), "-a");
    }

    /** Waits for raptorctl to end (at most {@code within}) and answers its exit code. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!script.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("raptorctl did not end within " + within.toSeconds() + "s; the terminal shows:\n" + screen());
        }
        return script.exitValue();
    }

    @Override
    public void close() {
        script.descendants().forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
    }

    private static String stty(String... args) {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
