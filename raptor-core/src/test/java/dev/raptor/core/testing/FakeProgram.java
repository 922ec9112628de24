package dev.raptor.core.testing;

import dev.raptor.core.server.ServerSpec;

import java.time.Duration;

/**
 * What runs inside a container of a {@link FakeEngine}: a few callbacks instead of a process. They are
 * called one at a time on the engine's program thread and must not block; anything that takes time is
 * {@link Run#after scheduled}. The default program is {@link FakeGameServer}.
 */
@FunctionalInterface
public interface FakeProgram {

    /** A run of the container began (its main process started). */
    void started(Run run);

    /** A line arrived on the console input (stdin), without its newline. Ignored by default. */
    default void input(Run run, String line) {
    }

    /**
     * A signal other than SIGKILL arrived (SIGKILL never reaches a program). By default the process dies of
     * it, as a process without a handler does: exit code 128 + the signal's number.
     */
    default void signal(Run run, String signal) {
        run.exit(128 + FakeEngine.signalNumber(signal));
    }

    /** A program that prints nothing and runs until it is stopped, killed or told to exit. */
    FakeProgram SILENT = run -> {
    };

    /** The handle a program acts through. Every action is a no-op once the run has ended. */
    interface Run {
        /** The spec the container was created from; null for a container a test planted bare. */
        ServerSpec spec();

        /** An environment variable of the spec, or {@code fallback}. */
        String env(String name, String fallback);

        /** Prints a line on stdout, stamped by the engine's clock. */
        void print(String line);

        /** Prints a line on stderr. */
        void printError(String line);

        /** The main process exits with {@code code}; the run ends. */
        void exit(int code);

        /** The kernel's OOM killer ends the run (exit code 137, reported as out of memory). */
        void outOfMemory();

        /** Runs {@code action} after {@code delay} of program time (see {@link FakeEngine#timeScale}), if the run still lives. */
        void after(Duration delay, Runnable action);

        /** Whether this run still lives. */
        boolean alive();
    }
}
