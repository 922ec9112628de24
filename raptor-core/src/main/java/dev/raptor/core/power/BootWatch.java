package dev.raptor.core.power;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Whether a boot is over, and how it ended. A server with a ready pattern is STARTING until a line of this
 * run matches it; one without is STARTING until it has kept running for its settle window
 * ({@link dev.raptor.core.server.ServerSpec#settle()}), so a server that dies at once (a startup command
 * that is not found, a port already taken) fails its start instead of being reported started. Either way
 * a boot ends early when the server exits, and then the last lines it printed say why. One per boot,
 * following the run's output from where it begins.
 *
 * <p><b>This run's line, not the last run's.</b> Only lines stamped at or after {@code since} count, where
 * {@code since} is the instant the start was requested (see {@link ContainerInfo#outputSince()}): the
 * previous run's "Done!" may be the last line in the log, printed within the same second as this run's
 * start, and it must not make the new boot look finished. {@code since} is this machine's clock and so are the
 * lines' stamps: a runtime whose engine keeps another clock (Docker over {@code tcp://}, a Swarm node) translates
 * both, erring towards counting a line, so an engine minutes behind cannot hide the ready line.
 *
 * <p>The wait wakes on the ready line, at the end of the settle window, on a hint that the server stopped
 * (an exit event, the log stream's end) and every few seconds regardless; then the engine is asked whether
 * the server still runs. A log stream that breaks while the server boots is followed again from the same
 * start (matching is idempotent). After an exit the watch waits briefly for the stream's end, which comes
 * once the engine has delivered the run's last lines.
 */
final class BootWatch implements StreamSink<LogLine> {
    /** A lost exit event costs at most this long. */
    private static final Duration RECHECK = Duration.ofSeconds(5);
    /** A log stream that keeps failing is not reopened more often than this. */
    private static final Duration REOPEN_PAUSE = Duration.ofSeconds(1);
    /** How long an exited run's last lines may take to arrive. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(3);
    /** How many of the last lines an exit during boot reports, and how long each may be. */
    static final int LAST_LINES = 10;
    static final int MAX_LINE = 400;

    private final Pattern readyLine;
    private final Duration settle;
    private final Instant since;
    private final Submission op;
    private final ReentrantLock linesLock = new ReentrantLock();
    /** Guarded by {@link #linesLock}: this run's last lines, oldest first. */
    private final ArrayDeque<String> lastLines = new ArrayDeque<>(LAST_LINES);
    private volatile boolean ready;
    private volatile boolean streamEnded;
    /** How long the boot may take before it is {@link Outcome.TimedOut}; null: as long as it takes. */
    private Duration readyWithin;

    /** How a boot ended. */
    sealed interface Outcome {
        /** The ready line appeared, or the server kept running through its settle window. */
        record Ready() implements Outcome {
        }

        /** Still booting when the caller's readiness deadline passed (an update's new version that never comes up). */
        record TimedOut(Duration after) implements Outcome {
        }

        /**
         * The server stopped first; {@code info} says how.
         *
         * @param lastLines the last lines it printed in this run, oldest first (empty if none arrived)
         */
        record Exited(ContainerInfo info, List<String> lastLines) implements Outcome {
            public Exited {
                lastLines = List.copyOf(lastLines);
            }
        }
    }

    /**
     * @param readyLine the ready pattern; null: the boot is over once the server has run for {@code settle}
     * @param settle    without a ready pattern, how long the run must last, counted from {@code since}
     * @param since     where the run's output begins (the instant its start was requested); null reads the
     *                  whole log and counts the settle window from now
     * @param op        the operation booting the server: its cancellation ends the wait
     */
    BootWatch(Pattern readyLine, Duration settle, Instant since, Submission op) {
        this.readyLine = readyLine;
        this.settle = settle;
        this.since = since;
        this.op = op;
    }

    /** A boot that ends at this run's ready line (or an exit). */
    BootWatch(Pattern readyLine, Instant since, Submission op) {
        this(readyLine, Duration.ZERO, since, op);
    }

    /** Gives the boot a deadline: past it, {@link #await} answers {@link Outcome.TimedOut} (the server still runs). */
    BootWatch within(Duration limit) {
        this.readyWithin = limit;
        return this;
    }

    /** Whether {@code line} says that the run which began at {@code since} is ready. */
    static boolean isReadyLine(Pattern readyLine, Instant since, LogLine line) {
        return (since == null || !line.at().isBefore(since)) && readyLine.matcher(line.text()).find();
    }

    @Override
    public void next(LogLine line) {
        if (since != null && line.at().isBefore(since)) {
            return;
        }
        remember(line.text());
        if (!ready && readyLine != null && isReadyLine(readyLine, since, line)) {
            ready = true;
            op.wake();
        }
    }

    @Override
    public void end(Throwable error) {
        streamEnded = true;
        op.poke();
    }

    /**
     * Follows the output of {@code ref} until the ready line (or the end of the settle window) or the
     * server's exit.
     *
     * @param call a fresh deadline for each engine call
     * @throws Submission.Cancelled when the operation is pre-empted meanwhile
     */
    Outcome await(ContainerRuntime runtime, ContainerRef ref, Supplier<Deadline> call) {
        long settled = System.nanoTime() + settleLeft().toNanos();
        long giveUp = readyWithin == null ? 0 : System.nanoTime() + readyWithin.toNanos();
        Subscription logs = runtime.logs(ref, LogRequest.followSince(since), this);
        try {
            while (true) {
                Duration wait = RECHECK;
                if (readyLine == null) {
                    long left = Math.max(0, settled - System.nanoTime());
                    wait = left < RECHECK.toNanos() ? Duration.ofNanos(left) : RECHECK;
                }
                if (readyWithin != null) {
                    long left = Math.max(0, giveUp - System.nanoTime());
                    wait = left < wait.toNanos() ? Duration.ofNanos(left) : wait;
                }
                op.awaitChange(wait, () -> ready);
                if (ready) {
                    return new Outcome.Ready();
                }
                ContainerInfo info = runtime.inspect(ref, call.get());
                if (!info.running()) {
                    return exited(info);
                }
                if (readyLine == null && System.nanoTime() - settled >= 0) {
                    return new Outcome.Ready();
                }
                if (readyWithin != null && System.nanoTime() - giveUp >= 0) {
                    return new Outcome.TimedOut(readyWithin);
                }
                if (streamEnded) {
                    logs.close();
                    op.pause(REOPEN_PAUSE);
                    streamEnded = false;
                    forgetLines(); // the new stream delivers the run's output again from its start
                    logs = runtime.logs(ref, LogRequest.followSince(since), this);
                }
            }
        } finally {
            logs.close();
        }
    }

    /** The settle window's rest: what is left of it after the time the run has already had. */
    private Duration settleLeft() {
        if (readyLine != null || settle.isZero()) {
            return Duration.ZERO;
        }
        Duration had = since == null ? Duration.ZERO : Duration.between(since, Instant.now());
        Duration left = had.isNegative() ? settle : settle.minus(had);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The run ended: wait a little for its last lines (the stream ends once they are delivered). */
    private Outcome exited(ContainerInfo info) {
        long end = System.nanoTime() + OUTPUT_GRACE.toNanos();
        long left;
        while (!streamEnded && (left = end - System.nanoTime()) > 0) {
            op.awaitChange(Duration.ofNanos(left), () -> streamEnded);
        }
        return new Outcome.Exited(info, lines());
    }

    private void remember(String text) {
        String line = text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + "…" : text;
        linesLock.lock();
        try {
            if (lastLines.size() == LAST_LINES) {
                lastLines.removeFirst();
            }
            lastLines.addLast(line);
        } finally {
            linesLock.unlock();
        }
    }

    private void forgetLines() {
        linesLock.lock();
        try {
            lastLines.clear();
        } finally {
            linesLock.unlock();
        }
    }

    private List<String> lines() {
        linesLock.lock();
        try {
            return List.copyOf(lastLines);
        } finally {
            linesLock.unlock();
        }
    }
}
