package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.api.DaemonErrors;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.wire.client.LogStream;
import dev.raptor.wire.client.RaptorException;

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
        LogStream stream;
        Runnable after = onceFollowing;
        try {
            stream = cli.client().server(server.id()).followLogs(tail);
        } catch (RaptorException e) {
            CliException c = DaemonErrors.of(e);
            if (onceFollowing == null || c.exitCode() != ExitCode.CONFLICT) {
                throw c;
            }
            // a daemon that follows running servers only: start first, then show this boot from its first line
            onceFollowing.run();
            after = null;
            stream = cli.client().server(server.id()).followLogs(null);
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
            LogStream followed = stream;
            Thread output = Thread.ofPlatform().daemon().name("console-output").start(() -> pumpOutput(followed));
            if (after != null) {
                after.run();
            }
            Thread.ofPlatform().daemon().name("console-input").start(this::pumpInput);
            awaitEnd();
            IOException failure = outputFailure; // read before detaching: a close we cause is no failure
            detaching = true;
            stream.close();
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
            stream.close();
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

    private void pumpOutput(LogStream stream) {
        try {
            String line;
            while ((line = stream.readLine()) != null) {
                lastOutput.set(System.nanoTime());
                cli.out().println(line);
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
                    cli.client().server(server.id()).command(line);
                    lastOutput.set(System.nanoTime()); // give the answer its quiet period
                } catch (RaptorException e) {
                    cli.err().println("Error: " + DaemonErrors.of(e).getMessage());
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
}
