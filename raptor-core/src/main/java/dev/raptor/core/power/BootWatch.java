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
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Whether a boot is over: a server with a ready pattern is STARTING until a line of this run matches it,
 * and a boot ends early when the server exits. One per boot, following the run's output from where it
 * begins.
 *
 * <p><b>This run's line, not the last run's.</b> Only lines stamped at or after {@code since} count, where
 * {@code since} is the instant the start was requested (see {@link ContainerInfo#outputSince()}): the
 * previous run's "Done!" may be the last line in the log, printed within the same second as this run's
 * start, and it must not make the new boot look finished.
 *
 * <p>The wait wakes on the ready line, on a hint that the server stopped (an exit event, the log stream's
 * end) and every few seconds regardless; then the engine is asked whether the server still runs. A log
 * stream that breaks while the server boots is followed again from the same start (matching is idempotent).
 */
final class BootWatch implements StreamSink<LogLine> {
    /** A lost exit event costs at most this long. */
    private static final Duration RECHECK = Duration.ofSeconds(5);
    /** A log stream that keeps failing is not reopened more often than this. */
    private static final Duration REOPEN_PAUSE = Duration.ofSeconds(1);

    private final Pattern readyLine;
    private final Instant since;
    private final Submission op;
    private volatile boolean ready;
    private volatile boolean streamEnded;

    /** How a boot ended. */
    sealed interface Outcome {
        /** The ready line appeared. */
        record Ready() implements Outcome {
        }

        /** The server stopped first; {@code info} says how. */
        record Exited(ContainerInfo info) implements Outcome {
        }
    }

    /**
     * @param since where the run's output begins; null reads the whole log
     * @param op    the operation booting the server: its cancellation ends the wait
     */
    BootWatch(Pattern readyLine, Instant since, Submission op) {
        this.readyLine = readyLine;
        this.since = since;
        this.op = op;
    }

    /** Whether {@code line} says that the run which began at {@code since} is ready. */
    static boolean isReadyLine(Pattern readyLine, Instant since, LogLine line) {
        return (since == null || !line.at().isBefore(since)) && readyLine.matcher(line.text()).find();
    }

    @Override
    public void next(LogLine line) {
        if (!ready && isReadyLine(readyLine, since, line)) {
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
     * Follows the output of {@code ref} until the ready line or the server's exit.
     *
     * @param call a fresh deadline for each engine call
     * @throws Submission.Cancelled when the operation is pre-empted meanwhile
     */
    Outcome await(ContainerRuntime runtime, ContainerRef ref, Supplier<Deadline> call) {
        Subscription logs = runtime.logs(ref, LogRequest.followSince(since), this);
        try {
            while (true) {
                op.awaitChange(RECHECK, () -> ready);
                if (ready) {
                    return new Outcome.Ready();
                }
                ContainerInfo info = runtime.inspect(ref, call.get());
                if (!info.running()) {
                    return new Outcome.Exited(info);
                }
                if (streamEnded) {
                    logs.close();
                    op.pause(REOPEN_PAUSE);
                    streamEnded = false;
                    logs = runtime.logs(ref, LogRequest.followSince(since), this);
                }
            }
        } finally {
            logs.close();
        }
    }
}
