package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.api.Json;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.cli.transport.DaemonResponse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live console: the server's output streams to stdout (a followed {@code GET …/logs?follow=true}),
 * and each line typed on stdin goes to the server's stdin ({@code POST …/commands}). It ends when the
 * server's output ends (it stopped), or when stdin ends: then, after the output has been quiet for a
 * moment (so the answer to a piped command still shows), it detaches. Ctrl-C detaches too. Detaching
 * never stops the server.
 */
final class ConsoleSession {
    /** After stdin ends, detach once the output has been quiet this long... */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    /** ...or at the latest after this. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Cli cli;
    private final ServerRef server;
    private final AtomicLong lastOutput = new AtomicLong(System.nanoTime());
    private final CountDownLatch outputEnded = new CountDownLatch(1);
    private final CountDownLatch inputEnded = new CountDownLatch(1);
    private volatile boolean detaching;
    private volatile IOException outputFailure;
    private volatile long inputEndedAt;

    ConsoleSession(Cli cli, ServerRef server) {
        this.cli = cli;
        this.server = server;
    }

    /**
     * Attaches and blocks until detached.
     *
     * @param tail          lines of history to show first (null: the daemon's default)
     * @param onceFollowing runs once the output is being followed (run: the start), before input is read
     */
    int run(Integer tail, Runnable onceFollowing) {
        DaemonResponse stream;
        Runnable after = onceFollowing;
        try {
            stream = cli.api().logs(server.id(), tail, true);
        } catch (CliException e) {
            if (onceFollowing == null || e.exitCode() != ExitCode.CONFLICT) {
                throw e;
            }
            // a daemon that follows running servers only: start first, then show this boot from its first line
            onceFollowing.run();
            after = null;
            stream = cli.api().logs(server.id(), null, true);
        }
        Thread hook = new Thread(() -> {
            if (!detaching && cli.terminal().interactive()) {
                cli.err().println();
                cli.err().println("Detached from " + server.label() + "; it keeps running.");
                cli.err().flush();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            DaemonResponse followed = stream;
            Thread output = Thread.ofPlatform().daemon().name("console-output").start(() -> pumpOutput(followed));
            if (after != null) {
                after.run();
            }
            Thread.ofPlatform().daemon().name("console-input").start(this::pumpInput);
            awaitEnd();
            IOException failure = outputFailure; // read before detaching: a close we cause is no failure
            detaching = true;
            closeQuietly(stream);
            output.join(TimeUnit.SECONDS.toMillis(2));
            if (failure != null) {
                throw new CliException(1, "the console stream broke: " + failure.getMessage(), failure);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            detaching = true;
            closeQuietly(stream);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    private void awaitEnd() throws InterruptedException {
        while (outputEnded.getCount() > 0) {
            if (inputEnded.getCount() == 0) {
                long now = System.nanoTime();
                long quietFor = now - lastOutput.get();
                if (quietFor >= QUIET_NANOS || now - inputEndedAt >= LINGER_NANOS) {
                    return;
                }
            }
            outputEnded.await(50, TimeUnit.MILLISECONDS);
        }
    }

    private void pumpOutput(DaemonResponse stream) {
        boolean json = stream.contentType().contains("json");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lastOutput.set(System.nanoTime());
                cli.out().println(json ? LogLines.text(line) : line);
                cli.out().flush();
            }
        } catch (IOException e) {
            if (!detaching) {
                outputFailure = e;
            }
        } finally {
            outputEnded.countDown();
        }
    }

    private void pumpInput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8))) {
            String line;
            while (!detaching && (line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue; // Enter on an empty prompt: nothing to send (the daemon refuses empty commands)
                }
                try {
                    cli.api().command(server.id(), line);
                    lastOutput.set(System.nanoTime()); // give the answer its quiet period
                } catch (CliException e) {
                    cli.err().println("Error: " + e.getMessage());
                    cli.err().flush();
                }
            }
        } catch (IOException e) {
            // stdin broke: same as its end
        } finally {
            inputEndedAt = System.nanoTime();
            inputEnded.countDown();
        }
    }

    private static void closeQuietly(DaemonResponse r) {
        try {
            r.close();
        } catch (IOException ignored) {
            // detaching anyway
        }
    }

    /** Lines of a log answer that is JSON rather than text. */
    static final class LogLines {
        private LogLines() {
        }

        /** The text of one JSON-lines log entry ({@code {"line": "..."}} or similar); the raw line otherwise. */
        static String text(String raw) {
            String t = raw.strip();
            if (!t.startsWith("{") && !t.startsWith("\"")) {
                return raw;
            }
            try {
                JsonNode n = Json.MAPPER.readTree(t);
                return entryText(n);
            } catch (IOException e) {
                return raw;
            }
        }

        static String entryText(JsonNode n) {
            if (n.isTextual()) {
                return n.asText();
            }
            for (String f : new String[]{"line", "text", "message", "data", "output"}) {
                if (n.path(f).isTextual()) {
                    return n.get(f).asText();
                }
            }
            return n.toString();
        }
    }
}
